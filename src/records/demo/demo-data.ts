/**
 * The demo dataset: Venezuela, November 2020 – February 2021, written in our own words from public
 * facts of the kind the February 2021 solidarity statement describes. Victims are organisations,
 * groups or clearly fictional persons; no real person is named.
 */
export interface DemoActor {
  key: string;
  kind: 'person' | 'organisation' | 'group';
  name: string;
  sectors?: string[];
  groupSize?: number;
  gender?: string;
  consentToName?: boolean;
  affiliation?: string;
}

export interface DemoAct {
  victim: string;
  actType: string;
  startDate?: string;
  endDate?: string;
  subdivision?: string;
  victimStatus?: string;
  detentionType?: string;
  releaseDate?: string;
  charges?: string;
  lawyerAccess?: boolean;
  perpetrators: { type: string; degree?: string }[];
}

export interface DemoIncident {
  key: string;
  org: 'observatorio' | 'red';
  title: string;
  narrative: string;
  language: 'es' | 'en';
  startDate: string;
  endDate?: string;
  startApproximate?: boolean;
  subdivision: string;
  placeName?: string;
  status: string;
  visibility: 'private' | 'coalition' | 'public';
  reprisalMechanism?: string;
  acts: DemoAct[];
  sources: { sourceType: string; connection?: string; reliability?: string; url?: string; sourceDate?: string; language?: string }[];
  interventions?: { interventionType: string; date?: string; byWhom?: string; mechanism?: string; response?: string }[];
  shareWithCoalition?: boolean;
  /** Fields shared with the coalition beyond the default (e.g. victim_names, so linkage compares names). */
  shareFields?: ('narrative' | 'victim_names' | 'place_names' | 'source_urls')[];
}

export const demoActors: DemoActor[] = [
  { key: 'azul', kind: 'organisation', name: 'Azul Positivo', sectors: ['health_hiv', 'humanitarian', 'ngo_organisation'] },
  { key: 'azul5', kind: 'group', name: 'Cinco integrantes de Azul Positivo', sectors: ['health_hiv', 'humanitarian'], groupSize: 5, affiliation: 'azul' },
  { key: 'alimenta', kind: 'organisation', name: 'Alimenta la Solidaridad', sectors: ['humanitarian', 'ngo_organisation'] },
  { key: 'alimentaStaff', kind: 'group', name: 'Personal de Alimenta la Solidaridad', sectors: ['humanitarian'], groupSize: 6, affiliation: 'alimenta' },
  { key: 'unDefenders', kind: 'group', name: 'Personas defensoras que colaboraron con la Misión de la ONU', sectors: ['un_engagement'], groupSize: 4 },
  { key: 'journalist', kind: 'person', name: 'Ana Ficticia Pérez (persona ficticia)', sectors: ['journalists_media', 'women_defenders'], gender: 'woman' },
  { key: 'laraNgo', kind: 'organisation', name: 'ONG de derechos humanos de Lara (nombre reservado)', sectors: ['ngo_organisation'] },
  { key: 'carabobo3', kind: 'group', name: 'Tres integrantes de una ONG de Carabobo', sectors: ['lawyers'], groupSize: 3 },
  { key: 'ngoSector', kind: 'group', name: 'Organizaciones no gubernamentales del país', sectors: ['ngo_organisation'], groupSize: 50 },
];

export const demoIncidents: DemoIncident[] = [
  {
    key: 'zulia',
    org: 'observatorio',
    title: 'Detención de cinco integrantes de una ONG de salud y VIH en Zulia',
    narrative:
      'Funcionarios de la contrainteligencia militar allanaron la sede de Azul Positivo en Maracaibo y detuvieron a cinco de sus integrantes, que trabajan en prevención del VIH y asistencia humanitaria.\n\nSe incautaron equipos y documentos. Las cinco personas fueron presentadas ante un tribunal con competencia en terrorismo y quedaron en libertad bajo medidas cautelares casi un mes después.',
    language: 'es',
    startDate: '2021-01-12',
    endDate: '2021-02-10',
    subdivision: 'VE-V',
    placeName: 'Maracaibo',
    status: 'verified',
    visibility: 'public',
    shareWithCoalition: true,
    acts: [
      {
        victim: 'azul5',
        actType: 'detention',
        startDate: '2021-01-12',
        endDate: '2021-02-10',
        subdivision: 'VE-V',
        victimStatus: 'released_on_conditions',
        detentionType: 'pre_trial',
        releaseDate: '2021-02-10',
        charges: 'Cargos relacionados con el manejo de fondos de cooperación y asociación.',
        lawyerAccess: false,
        perpetrators: [{ type: 'intelligence', degree: 'direct' }, { type: 'judiciary', degree: 'ordered' }],
      },
      { victim: 'azul', actType: 'raid', startDate: '2021-01-12', subdivision: 'VE-V', perpetrators: [{ type: 'intelligence', degree: 'direct' }] },
      { victim: 'azul', actType: 'seizure_of_equipment', startDate: '2021-01-12', subdivision: 'VE-V', perpetrators: [{ type: 'intelligence', degree: 'direct' }] },
    ],
    sources: [
      { sourceType: 'ngo_report', connection: 'ngo', reliability: 'reliable', sourceDate: '2021-01-13', language: 'es' },
      { sourceType: 'testimony_relative', connection: 'relative', reliability: 'reliable', sourceDate: '2021-01-14', language: 'es' },
    ],
    interventions: [
      { interventionType: 'urgent_appeal', date: '2021-01-13', byWhom: 'Observatorio (demo)' },
      { interventionType: 'joint_statement', date: '2021-02', byWhom: 'Doce organizaciones internacionales' },
    ],
  },
  {
    key: 'accounts',
    org: 'observatorio',
    title: 'Bank accounts of a humanitarian NGO frozen',
    narrative:
      'The banking regulator ordered banks to freeze the accounts of Alimenta la Solidaridad, a humanitarian organisation that runs community kitchens for children. The freeze cut off payments to suppliers and staff.',
    language: 'en',
    startDate: '2020-11',
    subdivision: 'VE-A',
    placeName: 'Caracas',
    status: 'verified',
    visibility: 'public',
    shareWithCoalition: true,
    acts: [{ victim: 'alimenta', actType: 'financial_restrictions', startDate: '2020-11', subdivision: 'VE-A', perpetrators: [{ type: 'tax_financial_authorities', degree: 'direct' }] }],
    sources: [{ sourceType: 'media_report', connection: 'media', reliability: 'reliable', sourceDate: '2020-11', language: 'es' }],
  },
  {
    key: 'raidWarrants',
    org: 'observatorio',
    title: 'Allanamiento de oficinas y órdenes de aprehensión contra trabajadores humanitarios',
    narrative:
      'Pocos días después del congelamiento de cuentas, fuerzas policiales allanaron las oficinas de la organización humanitaria y un tribunal dictó órdenes de aprehensión contra parte de su personal, que tuvo que esconderse o salir del país.',
    language: 'es',
    startDate: '2020-11',
    subdivision: 'VE-A',
    placeName: 'Caracas',
    status: 'verified',
    visibility: 'public',
    acts: [
      { victim: 'alimenta', actType: 'raid', startDate: '2020-11', subdivision: 'VE-A', perpetrators: [{ type: 'police', degree: 'direct' }] },
      { victim: 'alimentaStaff', actType: 'arrest_warrant_summons', startDate: '2020-11', subdivision: 'VE-A', victimStatus: 'exiled', perpetrators: [{ type: 'judiciary', degree: 'ordered' }, { type: 'prosecutors', degree: 'ordered' }] },
    ],
    sources: [{ sourceType: 'ngo_report', connection: 'ngo', reliability: 'reliable', sourceDate: '2020-12', language: 'es' }],
  },
  {
    key: 'unThreats',
    org: 'observatorio',
    title: 'Amenazas públicas contra personas defensoras que colaboraron con la ONU',
    narrative:
      'Un alto funcionario acusó en un programa de la televisión estatal a personas defensoras de ser «agentes extranjeros» por haber aportado información a la Misión Internacional Independiente de Determinación de los Hechos de la ONU, y anunció que serían investigadas.',
    language: 'es',
    startDate: '2020-11',
    endDate: '2020-12',
    subdivision: 'VE-A',
    status: 'verified',
    visibility: 'public',
    reprisalMechanism: 'fact_finding_mission',
    shareWithCoalition: true,
    acts: [
      { victim: 'unDefenders', actType: 'official_stigmatisation', startDate: '2020-11', perpetrators: [{ type: 'executive_officials', degree: 'direct' }] },
      { victim: 'unDefenders', actType: 'threat', startDate: '2020-12', perpetrators: [{ type: 'executive_officials', degree: 'direct' }] },
    ],
    sources: [{ sourceType: 'audiovisual', connection: 'media', reliability: 'highly_reliable', sourceDate: '2020-11', language: 'es' }],
    interventions: [{ interventionType: 'un_communication', date: '2021-01', mechanism: 'special_procedure', byWhom: 'Observatorio (demo)' }],
  },
  {
    key: 'hateLaw',
    org: 'observatorio',
    title: 'Investigación penal contra una periodista bajo la «Ley contra el Odio»',
    narrative:
      'La fiscalía abrió una investigación contra una periodista (persona ficticia de la demostración) por publicaciones sobre la situación de los hospitales, invocando la llamada «Ley contra el Odio».',
    language: 'es',
    startDate: '2021-02',
    subdivision: 'VE-L',
    placeName: 'Mérida',
    status: 'under_verification',
    visibility: 'private',
    acts: [
      { victim: 'journalist', actType: 'criminal_investigation', startDate: '2021-02', subdivision: 'VE-L', perpetrators: [{ type: 'prosecutors', degree: 'direct' }] },
      { victim: 'journalist', actType: 'online_harassment', startDate: '2021-02', subdivision: 'VE-L', perpetrators: [{ type: 'unknown' }] },
    ],
    sources: [{ sourceType: 'testimony_victim', connection: 'victim', reliability: 'highly_reliable', sourceDate: '2021-02', language: 'es' }],
  },
  {
    key: 'lara',
    org: 'red',
    title: 'Vigilancia y ataques digitales contra una ONG de derechos humanos en Lara',
    narrative:
      'La organización denunció la presencia de vehículos sin identificación frente a su sede durante varios días y, al mismo tiempo, intentos de acceso a sus cuentas de correo.',
    language: 'es',
    startDate: '2020-12',
    startApproximate: true,
    subdivision: 'VE-K',
    placeName: 'Barquisimeto',
    status: 'under_verification',
    visibility: 'coalition',
    shareWithCoalition: true,
    acts: [
      { victim: 'laraNgo', actType: 'physical_surveillance', startDate: '2020-12', subdivision: 'VE-K', perpetrators: [{ type: 'unknown' }] },
      { victim: 'laraNgo', actType: 'digital_attack', startDate: '2020-12', subdivision: 'VE-K', perpetrators: [{ type: 'unknown' }] },
    ],
    sources: [{ sourceType: 'testimony_victim', connection: 'victim', reliability: 'reliable', sourceDate: '2020-12', language: 'es' }],
  },
  {
    key: 'carabobo',
    org: 'red',
    title: 'Citación judicial a tres integrantes de una ONG de Carabobo',
    narrative: 'Tres abogadas y abogados de una organización que acompaña a familiares de personas detenidas recibieron citaciones para declarar ante la fiscalía sin que se les informara el motivo.',
    language: 'es',
    startDate: '2021-02-03',
    subdivision: 'VE-G',
    placeName: 'Valencia',
    status: 'open',
    visibility: 'coalition',
    shareWithCoalition: true,
    acts: [{ victim: 'carabobo3', actType: 'arrest_warrant_summons', startDate: '2021-02-03', subdivision: 'VE-G', perpetrators: [{ type: 'prosecutors', degree: 'direct' }] }],
    sources: [{ sourceType: 'testimony_victim', connection: 'victim', reliability: 'reliable', sourceDate: '2021-02-04', language: 'es' }],
  },
  {
    key: 'cooperationLaw',
    org: 'observatorio',
    title: 'Proyecto de ley que restringe el financiamiento internacional de las ONG',
    narrative:
      'La Asamblea Nacional anunció un proyecto de ley de cooperación internacional que sometería el financiamiento de las organizaciones a autorización previa y a un registro controlado por el Ejecutivo.',
    language: 'es',
    startDate: '2021-01',
    subdivision: 'VE-A',
    status: 'verified',
    visibility: 'public',
    acts: [{ victim: 'ngoSector', actType: 'foreign_funding_restrictions', startDate: '2021-01', perpetrators: [{ type: 'legislature', degree: 'authored_law' }] }],
    sources: [{ sourceType: 'official_document', connection: 'official', reliability: 'highly_reliable', sourceDate: '2021-01', language: 'es' }],
  },
];

export const demoLinks: { from: string; to: string; type: string }[] = [
  { from: 'accounts', to: 'raidWarrants', type: 'precedes' },
  { from: 'raidWarrants', to: 'zulia', type: 'same_series' },
];
