/**
 * The demo joint statement: February 2021, solidarity with human rights defenders in Venezuela,
 * twelve signatory organisations, in English and Spanish. The text is written for Atalaya's demo
 * from the facts of the demo cases; it is not the text of any published statement. The press
 * contact is fictional and the picture is a generated illustration.
 */
import type { Ctx } from '../../access/index.js';
import { newId } from '../../shared/ids.js';
import { inTransaction, systemScope } from '../../store/index.js';
import { processHeroImage } from '../hero.image.js';
import { invalidatePublic } from '../public-cache.js';
import { addSignedOrganisation, logStatementEvent } from '../statements.commands.js';

export interface DemoInput {
  organisations: { observatorio: string };
  incidentIds: Record<string, string>;
}

export const demoStatementSlug = 'venezuela-solidarity-2021';

const signatories: [en: string, es: string][] = [
  ['Amnesty International', 'Amnistía Internacional'],
  ['CEJIL', 'CEJIL'],
  ['CIVICUS', 'CIVICUS'],
  ['Civil Rights Defenders', 'Civil Rights Defenders'],
  ['Conectas Direitos Humanos', 'Conectas Direitos Humanos'],
  ['Freedom House', 'Freedom House'],
  ['Global Centre for the Responsibility to Protect', 'Centro Global para la Responsabilidad de Proteger'],
  ['Human Rights Watch', 'Human Rights Watch'],
  ['International Commission of Jurists', 'Comisión Internacional de Juristas'],
  ['International Service for Human Rights', 'Servicio Internacional para los Derechos Humanos'],
  ['People in Need', 'People in Need'],
  ['WOLA', 'WOLA'],
];

const en = {
  title: 'Venezuela | Standing in solidarity with human rights defenders',
  lead:
    'We, the undersigned organisations, stand with the people and organisations in Venezuela who defend human rights and deliver humanitarian aid, and who in recent months have been detained, raided, investigated and publicly vilified for that work.',
  body: `Since November 2020, the pressure on Venezuelan civil society has grown sharply. Offices of humanitarian organisations have been searched, their bank accounts frozen, and arrest warrants issued against their staff, several of whom have had to leave the country.

In January 2021, five members of an organisation that supports people living with HIV in Zulia state were detained after a search of their office and held for weeks on charges that bear no relation to their work. Senior officials have used public broadcasts to label defenders who cooperate with United Nations mechanisms as enemies of the state.

At the same time, proposed rules on international cooperation and on the registration of non-governmental organisations threaten to cut off the funding on which much of the country's humanitarian response depends.

**We call on the Venezuelan authorities to:**

- release everyone detained for defending human rights or providing humanitarian aid, and drop the charges against them;
- stop the stigmatisation of defenders in official statements and state media;
- withdraw measures that restrict the registration, funding and operation of civil society organisations;
- allow independent human rights monitors and humanitarian workers to do their work without fear of reprisal.

We also ask governments, the United Nations and regional bodies to follow these cases closely and to speak up for the defenders concerned.`,
  heroAlt: 'Abstract illustration: overlapping circles in warm colours on a dark background.',
};

const es = {
  title: 'Venezuela | En solidaridad con las personas defensoras de derechos humanos',
  lead:
    'Las organizaciones firmantes expresamos nuestra solidaridad con las personas y organizaciones que en Venezuela defienden los derechos humanos y prestan ayuda humanitaria, y que en los últimos meses han sido detenidas, allanadas, investigadas y difamadas públicamente por esa labor.',
  body: `Desde noviembre de 2020 la presión sobre la sociedad civil venezolana ha crecido de forma marcada. Se han allanado oficinas de organizaciones humanitarias, se han congelado sus cuentas bancarias y se han dictado órdenes de aprehensión contra su personal, parte del cual ha tenido que salir del país.

En enero de 2021, cinco integrantes de una organización que acompaña a personas con VIH en el estado Zulia fueron detenidos tras el allanamiento de su sede y permanecieron semanas privados de libertad por cargos sin relación con su trabajo. Altos funcionarios han usado transmisiones públicas para señalar como enemigas del Estado a las personas defensoras que colaboran con los mecanismos de las Naciones Unidas.

Al mismo tiempo, normas en discusión sobre cooperación internacional y sobre el registro de organizaciones no gubernamentales amenazan con cortar el financiamiento del que depende buena parte de la respuesta humanitaria en el país.

**Pedimos a las autoridades venezolanas:**

- liberar a todas las personas detenidas por defender derechos humanos o prestar ayuda humanitaria, y retirar los cargos en su contra;
- cesar la estigmatización de las personas defensoras en declaraciones oficiales y medios del Estado;
- retirar las medidas que restringen el registro, el financiamiento y el funcionamiento de las organizaciones de la sociedad civil;
- permitir que quienes vigilan los derechos humanos y quienes trabajan en la ayuda humanitaria lo hagan sin temor a represalias.

Pedimos también a los gobiernos, a las Naciones Unidas y a los órganos regionales que sigan de cerca estos casos y se pronuncien en favor de las personas defensoras afectadas.`,
  heroAlt: 'Ilustración abstracta: círculos superpuestos en colores cálidos sobre fondo oscuro.',
};

function illustration(): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="800" viewBox="0 0 1600 800">
  <rect width="1600" height="800" fill="#1d2a3a"/>
  <circle cx="520" cy="420" r="300" fill="#c8553d" fill-opacity="0.85"/>
  <circle cx="860" cy="380" r="260" fill="#f2a541" fill-opacity="0.75"/>
  <circle cx="1120" cy="460" r="220" fill="#f6e7cb" fill-opacity="0.6"/>
  </svg>`;
  return Buffer.from(svg);
}

/** Adds the demo statement to the demo's coordinating organisation (after `loadDemo`). Returns its id. */
export async function loadDemoStatement(ctx: Ctx, demo: DemoInput): Promise<string> {
  const orgId = demo.organisations.observatorio;
  const id = newId();
  const { default: sharp } = await import('sharp');
  const jpeg = await sharp(illustration()).jpeg({ quality: 85 }).toBuffer();
  const hero = await processHeroImage(ctx.dataDir, jpeg);
  const published = new Date('2021-02-10T14:00:00Z');
  const linked = ['zulia', 'accounts', 'raidWarrants', 'unThreats', 'hateLaw', 'cooperationLaw'].map((k) => demo.incidentIds[k]).filter((x): x is string => !!x);
  await inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    await trx
      .insertInto('statement')
      .values({
        organisation_id: orgId,
        id,
        slug: demoStatementSlug,
        status: 'published',
        source_lang: 'en',
        countries: ['VE'],
        themes: ['solidarity', 'humanitarian', 'civic-space'],
        statement_date: '2021-02-10',
        published_at: published,
        hero_key: hero.key,
        hero_width: hero.width,
        hero_height: hero.height,
        hero_credit: 'Atalaya demo (generated illustration)',
        press_name: 'Press office (fictional)',
        press_email: 'press@example.org',
        press_phone: '+1 555 0100',
        created_at: published,
        updated_at: published,
      })
      .execute();
    for (const [lang, v, translator] of [['en', en, null], ['es', es, 'Equipo de traducción (demo)']] as const) {
      await trx
        .insertInto('statement_version')
        .values({ organisation_id: orgId, statement_id: id, lang, slug: `${demoStatementSlug}-${lang}`, title: v.title, lead: v.lead, body: v.body, hero_alt: v.heroAlt, translator, source_revision: lang === 'en' ? null : 1, created_at: published, updated_at: published })
        .execute();
    }
    for (const [e, s] of signatories) await addSignedOrganisation(trx, orgId, id, { en: e, es: s }, published);
    if (linked.length) await trx.insertInto('statement_incident').values(linked.map((incident_id) => ({ organisation_id: orgId, statement_id: id, incident_id }))).execute();
    await logStatementEvent(ctx, trx, { organisationId: orgId, userId: null }, id, 'import', { demo: true, signatories: signatories.length }, { from: 'draft', to: 'published' }, published);
  });
  invalidatePublic(ctx);
  return id;
}
