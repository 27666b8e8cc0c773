/**
 * More demo cases, so that the demo shows every feature working (issue 17 §5): enough published
 * incidents that the public dashboard shows cells at or above the disclosure threshold (k = 5 by
 * default) while still hiding small ones, and cases the second organisation documents again —
 * with its own spelling of the names and its own dates — shared with the coalition so that a
 * linkage run groups them. Venezuela, November 2020 – February 2021; every person is fictional.
 *
 * Deterministic: the day of each case and the other organisation's date shift come from a seeded
 * generator, so every load (and every test) sees the same data.
 */
import type { DemoActor, DemoIncident } from './demo-data.js';

/** mulberry32: a small seeded generator (same seed, same sequence on every platform). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const places: Record<string, string> = {
  'VE-A': 'Caracas',
  'VE-V': 'Maracaibo',
  'VE-F': 'Ciudad Bolívar',
  'VE-S': 'San Cristóbal',
  'VE-D': 'Maracay',
  'VE-K': 'Barquisimeto',
};

interface Case {
  key: string;
  month: string;
  state: string;
  title: string;
  narrative: string;
  victim: DemoActor;
  /** The second organisation's spelling of the victim, when it documents the same attack. */
  alsoByRed?: string;
  acts: { actType: string; perpetrators: string[] }[];
}

const person = (key: string, name: string, sectors: string[], gender: string): DemoActor => ({ key, kind: 'person', name: `${name} (persona ficticia)`, sectors, gender });

const cases: Case[] = [
  {
    key: 'unionLeader',
    month: '2020-11',
    state: 'VE-V',
    title: 'Detención de un dirigente sindical petrolero en Zulia',
    narrative: 'Un dirigente sindical que denunciaba despidos en la industria petrolera fue detenido por la contrainteligencia militar a la salida de una asamblea de trabajadores.',
    victim: person('unionLeader', 'José Ficticio Urdaneta', ['trade_unionists'], 'man'),
    alsoByRed: 'Jose F. Urdaneta (persona ficticia)',
    acts: [{ actType: 'detention', perpetrators: ['intelligence'] }],
  },
  {
    key: 'lawyerThreat',
    month: '2020-11',
    state: 'VE-A',
    title: 'Amenazas contra una abogada que acompaña a familiares de personas detenidas',
    narrative: 'Una abogada recibió llamadas y mensajes anónimos que le advertían que dejara de representar a familiares de personas detenidas por motivos políticos.',
    victim: person('lawyerThreat', 'Carmen Ficticia Bastidas', ['lawyers', 'women_defenders'], 'woman'),
    alsoByRed: 'Carmen Bastidas F. (persona ficticia)',
    acts: [{ actType: 'threat', perpetrators: ['unknown'] }],
  },
  {
    key: 'mediaStigma',
    month: '2020-11',
    state: 'VE-A',
    title: 'Estigmatización de periodistas de un medio digital en la televisión estatal',
    narrative: 'Un programa de la televisión estatal mostró fotografías de periodistas de un medio digital y los acusó de trabajar para gobiernos extranjeros.',
    victim: { key: 'mediaGroup', kind: 'group', name: 'Periodistas de un medio digital (nombre reservado)', sectors: ['journalists_media'], groupSize: 3 },
    acts: [{ actType: 'official_stigmatisation', perpetrators: ['executive_officials'] }],
  },
  {
    key: 'journalistDetained',
    month: '2020-12',
    state: 'VE-V',
    title: 'Detención de un periodista que cubría protestas por servicios públicos',
    narrative: 'Un periodista fue detenido por la policía mientras transmitía en directo una protesta por cortes de agua y electricidad; quedó en libertad dos días después.',
    victim: person('journalistDetained', 'Luis Ficticio Montiel', ['journalists_media'], 'man'),
    alsoByRed: 'Luis Montiel (persona ficticia)',
    acts: [{ actType: 'detention', perpetrators: ['police'] }],
  },
  {
    key: 'legalAidThreat',
    month: '2020-12',
    state: 'VE-A',
    title: 'Amenazas y señalamientos contra una defensora de derechos de las mujeres',
    narrative: 'Una defensora de los derechos de las mujeres fue señalada en un acto oficial y, en los días siguientes, recibió amenazas en sus redes sociales.',
    victim: person('womenDefender', 'Rosa Ficticia Villalba', ['women_defenders'], 'woman'),
    acts: [
      { actType: 'threat', perpetrators: ['unknown'] },
      { actType: 'official_stigmatisation', perpetrators: ['executive_officials'] },
    ],
  },
  {
    key: 'legalAidNgo',
    month: '2020-12',
    state: 'VE-A',
    title: 'Una ONG de asistencia jurídica acusada de «desestabilización» en un acto oficial',
    narrative: 'Un funcionario acusó públicamente a una organización de asistencia jurídica gratuita de recibir fondos para «desestabilizar» el país.',
    victim: { key: 'legalAidNgo', kind: 'organisation', name: 'ONG de asistencia jurídica (nombre reservado)', sectors: ['ngo_organisation', 'lawyers'] },
    acts: [{ actType: 'official_stigmatisation', perpetrators: ['executive_officials'] }],
  },
  {
    key: 'indigenousThreat',
    month: '2020-12',
    state: 'VE-F',
    title: 'Amenazas contra defensores indígenas que denunciaron la minería ilegal',
    narrative: 'Cuatro defensores indígenas que denunciaron la minería ilegal en su territorio fueron amenazados de muerte por integrantes de un grupo armado que controla las minas.',
    victim: { key: 'indigenous4', kind: 'group', name: 'Cuatro defensores indígenas del sur de Bolívar', sectors: ['indigenous', 'environment_land'], groupSize: 4 },
    alsoByRed: 'Defensores indígenas de Bolívar (cuatro)',
    acts: [{ actType: 'threat', perpetrators: ['armed_group'] }],
  },
  {
    key: 'zuliaNgoRaid',
    month: '2020-12',
    state: 'VE-V',
    title: 'Allanamiento de la sede de una ONG de derechos humanos en Zulia',
    narrative: 'Funcionarios policiales allanaron sin orden judicial la sede de una organización que documenta detenciones arbitrarias y se llevaron archivos en papel.',
    victim: { key: 'zuliaNgo', kind: 'organisation', name: 'ONG de derechos humanos de Zulia (nombre reservado)', sectors: ['ngo_organisation'] },
    acts: [{ actType: 'raid', perpetrators: ['police'] }],
  },
  {
    key: 'studentHarassment',
    month: '2020-12',
    state: 'VE-K',
    title: 'Acoso en línea contra una dirigente estudiantil',
    narrative: 'Una dirigente estudiantil recibió cientos de mensajes insultantes y la publicación de su dirección después de denunciar el cierre de comedores universitarios.',
    victim: person('studentLeader', 'Daniela Ficticia Torrealba', ['students', 'women_defenders'], 'woman'),
    acts: [{ actType: 'online_harassment', perpetrators: ['unknown'] }],
  },
  {
    key: 'healthWorkers',
    month: '2021-01',
    state: 'VE-V',
    title: 'Detención de dos trabajadores de salud que denunciaron la falta de insumos',
    narrative: 'Dos trabajadores de un hospital público fueron detenidos después de difundir un video sobre la falta de oxígeno y de equipos de protección.',
    victim: { key: 'health2', kind: 'group', name: 'Dos trabajadores de salud de un hospital de Maracaibo', sectors: ['health_hiv'], groupSize: 2 },
    alsoByRed: 'Trabajadores de salud del hospital de Maracaibo (dos)',
    acts: [{ actType: 'detention', perpetrators: ['intelligence'] }],
  },
  {
    key: 'relativesThreat',
    month: '2021-01',
    state: 'VE-A',
    title: 'Amenazas a una madre que busca justicia por la muerte de su hijo',
    narrative: 'Una mujer que denuncia la ejecución extrajudicial de su hijo recibió la visita de hombres armados que le exigieron retirar la denuncia.',
    victim: person('relativesMother', 'Yolanda Ficticia Parra', ['victims_relatives', 'women_defenders'], 'woman'),
    acts: [{ actType: 'threat', perpetrators: ['police'] }],
  },
  {
    key: 'tachiraStigma',
    month: '2021-01',
    state: 'VE-S',
    title: 'Señalamientos oficiales contra un defensor de personas migrantes en Táchira',
    narrative: 'Una autoridad regional acusó en la radio a un defensor que asiste a personas migrantes en la frontera de facilitar el contrabando.',
    victim: person('migrantsDefender', 'Pedro Ficticio Contreras', ['humanitarian'], 'man'),
    acts: [{ actType: 'official_stigmatisation', perpetrators: ['local_authorities'] }],
  },
  {
    key: 'studentDetained',
    month: '2021-01',
    state: 'VE-A',
    title: 'Detención de un estudiante que organizaba una protesta pacífica',
    narrative: 'Un estudiante universitario fue detenido la víspera de una protesta pacífica por el presupuesto universitario y presentado ante un tribunal tres días después.',
    victim: person('studentDetained', 'Andrés Ficticio Salcedo', ['students', 'pro_democracy'], 'man'),
    acts: [{ actType: 'detention', perpetrators: ['police'] }],
  },
  {
    key: 'zuliaThreat',
    month: '2021-01',
    state: 'VE-V',
    title: 'Amenazas contra un defensor que documenta detenciones en Zulia',
    narrative: 'Un defensor que lleva un registro de detenciones arbitrarias encontró un mensaje amenazante en la puerta de su casa.',
    victim: person('zuliaDefender', 'Ramón Ficticio Añez', ['ngo_organisation'], 'man'),
    acts: [{ actType: 'threat', perpetrators: ['unknown'] }],
  },
  {
    key: 'araguaDetention',
    month: '2021-02',
    state: 'VE-D',
    title: 'Detención de una activista comunitaria en Aragua',
    narrative: 'Una activista comunitaria que organizaba la distribución de alimentos fue detenida y acusada de «incitación al odio» por sus mensajes en redes sociales.',
    victim: person('araguaActivist', 'Marisol Ficticia Guevara', ['humanitarian', 'women_defenders'], 'woman'),
    acts: [{ actType: 'detention', perpetrators: ['police'] }],
  },
  {
    key: 'febStigma',
    month: '2021-02',
    state: 'VE-A',
    title: 'Lista de ONG «bajo investigación» leída en un programa de televisión',
    narrative: 'En un programa de la televisión estatal se leyó una lista de organizaciones que estarían «bajo investigación» por recibir financiamiento internacional.',
    victim: { key: 'listedNgos', kind: 'group', name: 'Organizaciones mencionadas en un programa de televisión', sectors: ['ngo_organisation'], groupSize: 7 },
    acts: [{ actType: 'official_stigmatisation', perpetrators: ['executive_officials'] }],
  },
];

const pad = (n: number) => String(n).padStart(2, '0');

function shiftDay(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The extra actors (each organisation creates its own record of them when it first needs one). */
export function moreDemoActors(): DemoActor[] {
  const out: DemoActor[] = [];
  for (const c of cases) {
    out.push(c.victim);
    if (c.alsoByRed) out.push({ ...c.victim, key: `${c.victim.key}Red`, name: c.alsoByRed });
  }
  return out;
}

/**
 * The extra incidents: the first organisation's, published and shared with the coalition, then the
 * second organisation's records of some of the same attacks, a day or two apart, shared with the
 * coalition with the victims' names so that linkage compares them.
 */
export function moreDemoIncidents(seed = 17): DemoIncident[] {
  const rnd = seeded(seed);
  const out: DemoIncident[] = [];
  const red: DemoIncident[] = [];
  for (const c of cases) {
    const day = c.month.endsWith('-02') ? 1 + Math.floor(rnd() * 27) : 1 + Math.floor(rnd() * 28);
    const date = `${c.month}-${pad(day)}`;
    out.push({
      key: c.key,
      org: 'observatorio',
      title: c.title,
      narrative: c.narrative,
      language: 'es',
      startDate: date,
      subdivision: c.state,
      placeName: places[c.state]!,
      status: 'verified',
      visibility: 'public',
      shareWithCoalition: true,
      shareFields: ['victim_names'],
      acts: c.acts.map((a) => ({ victim: c.victim.key, actType: a.actType, startDate: date, subdivision: c.state, perpetrators: a.perpetrators.map((type) => ({ type, degree: 'direct' })) })),
      sources: [{ sourceType: rnd() < 0.5 ? 'testimony_victim' : 'ngo_report', connection: 'victim', reliability: 'reliable', sourceDate: date, language: 'es' }],
    });
    if (c.alsoByRed) {
      // The other organisation heard of it a little later and dates it a day or two apart (or the same day).
      const redDate = shiftDay(date, Math.floor(rnd() * 3));
      red.push({
        key: `${c.key}Red`,
        org: 'red',
        title: `${c.title} (registro de la Red)`,
        narrative: `Según el testimonio recibido por la Red: ${c.narrative.charAt(0).toLowerCase()}${c.narrative.slice(1)}`,
        language: 'es',
        startDate: redDate,
        subdivision: c.state,
        placeName: places[c.state]!,
        status: 'under_verification',
        visibility: 'coalition',
        shareWithCoalition: true,
        shareFields: ['victim_names'],
        acts: c.acts.map((a) => ({ victim: `${c.victim.key}Red`, actType: a.actType, startDate: redDate, subdivision: c.state, perpetrators: a.perpetrators.map((type) => ({ type, degree: 'direct' })) })),
        sources: [{ sourceType: 'testimony_relative', connection: 'relative', reliability: 'reliable', sourceDate: redDate, language: 'es' }],
      });
    }
  }
  return [...out, ...red];
}
