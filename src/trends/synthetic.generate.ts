/**
 * Synthetic incidents for load tests and statistical checks: realistic in shape (Spanish and
 * English narratives, acts, person/organisation/group victims with encrypted names and blind
 * indexes, places, dates of mixed precision, perpetrators) and with a known monthly rate, including
 * an optional change point, so that trends computed from them can be checked against the truth.
 *
 * Written in bulk: multi-row INSERTs in batches with their history rows and one audit entry per
 * batch, not the per-record commands (which cost ~ms per record). Each batch is its own transaction,
 * or, for a load into tables that hold less than it, all of them are one transaction that rebuilds
 * the indexes and trend counts at the end (`bulk`).
 */
import { sql } from 'kysely';
import type { Ctx } from '../access/index.js';
import { newId } from '../shared/ids.js';
import { appendAudit, bulkPossible, inTransaction, systemScope, withBulkLoad, type DB } from '../store/index.js';
import { subdivisions } from '../vocab/places.js';
import { createRng, type Rng } from './stats/index.js';

export interface SyntheticOptions {
  organisationId: string;
  n: number;
  seed?: number;
  /** First and last month of the dates (YYYY-MM). Default 2018-01 to 2023-12. */
  from?: string;
  to?: string;
  /** From this month on, the monthly rate of Venezuelan incidents is multiplied by `ratio`. */
  changePoint?: { period: string; ratio: number };
  /** Share of incidents in Venezuela (the rest spread over other countries of the region). */
  venezuelaShare?: number;
  /** Share of each visibility; default 70% private, 20% coalition, 10% public. */
  visibility?: { private: number; coalition: number; public: number };
  batchSize?: number;
  /** Batches written at once (default 1; PGlite has one connection, so more only helps on a server). */
  concurrency?: number;
  /** Write version-1 history rows (default true). */
  history?: boolean;
  /**
   * Bulk load, as PostgreSQL's "Populating a Database" advises: one transaction that drops the
   * secondary indexes of the record tables and turns off the trend-count triggers, writes every
   * batch, then rebuilds the indexes and recounts the organisation's trend counts once. Building an
   * index once is far cheaper than maintaining it row by row (above all the GIN text index and
   * indexes on random ids that outgrow memory). The record tables are locked for the whole load;
   * a failure rolls everything back, indexes and triggers included. 'auto' (the default) chooses it
   * when the load is at least as large as what the incident table already holds and the connection
   * owns the tables (the application role on a server does not).
   */
  bulk?: boolean | 'auto';
  onProgress?: (done: number) => void;
}

export interface SyntheticResult {
  incidents: number;
  acts: number;
  actors: number;
  involvements: number;
  /** The true expected share of incidents per month, for checks. */
  months: string[];
  ms: number;
}

const otherCountries = ['CO', 'MX', 'NI', 'HN', 'GT', 'BR', 'PE', 'EC', 'CU', 'SV'];

// Leaf act types with rough relative frequencies (arrests and threats common, killings rare).
const actTypes: [string, number][] = [
  ['arrest', 14],
  ['detention', 8],
  ['threat', 12],
  ['death_threat', 4],
  ['official_stigmatisation', 8],
  ['smear_campaign', 6],
  ['criminal_charges', 7],
  ['arrest_warrant_summons', 5],
  ['raid', 6],
  ['seizure_of_equipment', 3],
  ['digital_attack', 4],
  ['online_harassment', 6],
  ['physical_surveillance', 4],
  ['physical_attack', 4],
  ['travel_ban', 2],
  ['passport_confiscation', 1],
  ['killing', 1],
  ['enforced_disappearance', 1],
  ['torture_ill_treatment', 2],
  ['financial_restrictions', 2],
  ['protest_disruption', 3],
];
const perpetratorTypes: [string, number][] = [
  ['police', 10],
  ['intelligence', 8],
  ['military', 5],
  ['judiciary', 4],
  ['prosecutors', 4],
  ['executive_officials', 5],
  ['colectivo', 4],
  ['armed_group', 3],
  ['unknown', 6],
  ['private_individual', 2],
  ['local_authorities', 3],
];
const sectors = [
  'health_hiv',
  'humanitarian',
  'lgbti',
  'environment_land',
  'indigenous',
  'journalists_media',
  'lawyers',
  'women_defenders',
  'trade_unionists',
  'students',
  'pro_democracy',
  'victims_relatives',
  'ngo_organisation',
  'un_engagement',
];
const firstNames = [
  'María',
  'José',
  'Ana',
  'Luis',
  'Carmen',
  'Carlos',
  'Rosa',
  'Jesús',
  'Yolanda',
  'Pedro',
  'Elena',
  'Miguel',
  'Daniela',
  'Andrés',
  'Gabriela',
  'Rafael',
  'Luisa',
  'Jorge',
  'Patricia',
  'Manuel',
];
const lastNames = [
  'González',
  'Rodríguez',
  'Pérez',
  'Hernández',
  'García',
  'Martínez',
  'López',
  'Díaz',
  'Ramírez',
  'Torres',
  'Rojas',
  'Castillo',
  'Mendoza',
  'Silva',
  'Morales',
  'Suárez',
  'Rivas',
  'Contreras',
  'Medina',
  'Blanco',
];
const orgWords = [
  ['Red', 'Observatorio', 'Comité', 'Fundación', 'Centro', 'Colectivo', 'Asociación'],
  [
    'de Derechos Humanos',
    'por la Justicia',
    'de Salud Comunitaria',
    'de Defensa Ambiental',
    'de Mujeres',
    'de Periodistas',
    'Indígena',
    'de Acción Humanitaria',
  ],
];

const narrativesEs = [
  (place: string, act: string) =>
    `Funcionarios llegaron a ${place} y procedieron con ${act}. Testigos describieron la actuación como una represalia por el trabajo de documentación de la organización.`,
  (place: string, act: string) =>
    `En ${place}, la persona defensora denunció ${act} tras publicar un informe sobre la situación de derechos humanos en la zona. La familia no recibió información oficial.`,
  (place: string, act: string) =>
    `Se registró ${act} en ${place}. La organización había acompañado a víctimas ante mecanismos internacionales semanas antes.`,
];
const narrativesEn = [
  (place: string, act: string) =>
    `Officials arrived in ${place} and carried out ${act}. Witnesses described it as a reprisal for the organisation's documentation work.`,
  (place: string, act: string) =>
    `In ${place}, the defender reported ${act} after publishing a report on the human rights situation in the area. The family received no official information.`,
  (place: string, act: string) =>
    `${act} was recorded in ${place}. The organisation had accompanied victims before international mechanisms weeks earlier.`,
];
const actWordsEs: Record<string, string> = {
  arrest: 'una detención arbitraria',
  raid: 'un allanamiento de la oficina',
  threat: 'amenazas',
  death_threat: 'amenazas de muerte',
  detention: 'una detención prolongada',
};
const actWordsEn: Record<string, string> = {
  arrest: 'an arbitrary arrest',
  raid: 'a raid on the office',
  threat: 'threats',
  death_threat: 'death threats',
  detention: 'a prolonged detention',
};

function pickWeighted(rng: Rng, items: readonly [string, number][]): string {
  let total = 0;
  for (const [, w] of items) total += w;
  let u = rng.uniform() * total;
  for (const [v, w] of items) {
    u -= w;
    if (u <= 0) return v;
  }
  return items[items.length - 1]![0];
}
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)]!;

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const ey = Number(to.slice(0, 4));
  const em = Number(to.slice(5, 7));
  while (y < ey || (y === ey && m <= em)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

// Column types, for one array parameter per column (INSERT … SELECT FROM unnest): a handful of
// parameters per batch instead of tens of thousands keeps parsing and binding cheap on both engines.
const columnTypes: Record<string, Record<string, string>> = {
  incident: {
    organisation_id: 'uuid',
    id: 'uuid',
    title: 'text',
    narrative: 'text',
    start_date: 'date',
    start_precision: 'text',
    country: 'text',
    subdivision: 'text',
    place_name: 'text',
    status: 'text',
    visibility: 'text',
    language: 'text',
  },
  actor: {
    organisation_id: 'uuid',
    id: 'uuid',
    kind: 'text',
    name_enc: 'bytea',
    name_bidx: 'bytea',
    sectors: 'text[]',
    group_size: 'int4',
    consent_to_name: 'bool',
  },
  act: {
    organisation_id: 'uuid',
    id: 'uuid',
    incident_id: 'uuid',
    victim_id: 'uuid',
    act_type: 'text',
    start_date: 'date',
    start_precision: 'text',
    country: 'text',
    subdivision: 'text',
  },
  involvement: {
    organisation_id: 'uuid',
    id: 'uuid',
    act_id: 'uuid',
    perpetrator_type: 'text',
    degree: 'text',
  },
};

/**
 * Bulk INSERT of rows (all with the keys of `columnTypes[table]`) as one statement of column arrays;
 * with `history`, the same statement writes each row's version-1 history entry from what it inserted.
 */
async function insertRows(trx: DB, table: string, rows: Record<string, unknown>[], history: boolean): Promise<void> {
  if (rows.length === 0) return;
  const types = columnTypes[table]!;
  const cols = Object.keys(types);
  const params = cols.map((c) => {
    const type = types[c]!;
    // A text[] column travels as an array of array literals ('{a,b}'), cast back per row.
    const values = rows.map((r) =>
      type === 'text[]' ? `{${(r[c] as string[]).map((x) => `"${x}"`).join(',')}}` : (r[c] ?? null),
    );
    return sql`${values}::${sql.raw(type === 'text[]' ? 'text' : type)}[]`;
  });
  const selects = cols.map((c, i) =>
    types[c] === 'text[]' ? sql`${sql.ref(`u.c${i}`)}::text[]` : sql.ref(`u.c${i}`),
  );
  const insert = sql`INSERT INTO ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
    SELECT ${sql.join(selects)} FROM unnest(${sql.join(params)}) AS u(${sql.join(cols.map((_c, i) => sql.ref(`c${i}`)))})`;
  if (!history) {
    await insert.execute(trx);
    return;
  }
  // A creation's history row carries no data: the new version is the live row (migration 081).
  await sql`WITH w AS (${insert} RETURNING organisation_id, id)
    INSERT INTO record_history (organisation_id, id, record_table, record_id, version, action, reason)
    SELECT w.organisation_id, gen_random_uuid(), ${table}, w.id, 1, 'create', 'synthetic' FROM w`.execute(trx);
}

/** Generates and stores `n` incidents for one organisation (see the module comment). */
export async function generateSynthetic(ctx: Ctx, opts: SyntheticOptions): Promise<SyntheticResult> {
  const bulk = opts.bulk === undefined || opts.bulk === 'auto' ? await bulkPossible(ctx.db, opts.n) : opts.bulk;
  if (!bulk) return writeSynthetic(ctx, opts, null);
  const started = Date.now();
  const res = await inTransaction(ctx.db, systemScope([opts.organisationId]), (trx) =>
    withBulkLoad(trx, [opts.organisationId], () => writeSynthetic(ctx, opts, trx)),
  );
  return { ...res, ms: Date.now() - started };
}

/** Writes the batches, each in its own transaction, or all in `trx` (bulk load). */
async function writeSynthetic(ctx: Ctx, opts: SyntheticOptions, trx: DB | null): Promise<SyntheticResult> {
  const started = Date.now();
  const rng = createRng(opts.seed ?? 1);
  const months = monthsBetween(opts.from ?? '2018-01', opts.to ?? '2023-12');
  const cp = opts.changePoint;
  const veShare = opts.venezuelaShare ?? 0.7;
  const vis = opts.visibility ?? { private: 0.7, coalition: 0.2, public: 0.1 };
  const veStates = subdivisions('VE', 'es').filter((s) => s.code !== 'VE-W');
  // Month weights: Venezuelan incidents follow the change point; others are uniform over months.
  const veWeights = months.map((m) => (cp && m >= cp.period ? cp.ratio : 1));
  const veCum: number[] = [];
  veWeights.reduce((s, w, i) => ((veCum[i] = s + w), s + w), 0);
  const veTotal = veCum[veCum.length - 1]!;
  const pickMonth = (ve: boolean): string => {
    if (!ve) return pick(rng, months);
    const u = rng.uniform() * veTotal;
    let lo = 0;
    let hi = veCum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (veCum[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return months[lo]!;
  };
  const org = opts.organisationId;
  const batch = opts.batchSize ?? 2000;
  const res: SyntheticResult = { incidents: 0, acts: 0, actors: 0, involvements: 0, months, ms: 0 };
  // Keys are loaded once here; afterwards encryption never touches the database.
  await ctx.keys.blindIndex(trx ?? ctx.db, org, 'warm-up');
  const keysDb = trx ?? ctx.db;
  const inflight: Promise<void>[] = [];
  try {
    for (let done = 0; done < opts.n; done += batch) {
      const size = Math.min(batch, opts.n - done);
      {
        const incidents: Record<string, unknown>[] = [];
        const actors: Record<string, unknown>[] = [];
        const acts: Record<string, unknown>[] = [];
        const involvements: Record<string, unknown>[] = [];
        for (let i = 0; i < size; i++) {
          const ve = rng.uniform() < veShare;
          const country = ve ? 'VE' : pick(rng, otherCountries);
          const state = ve ? pick(rng, veStates) : null;
          const month = pickMonth(ve);
          const day = 1 + Math.floor(rng.uniform() * 28);
          const pr = rng.uniform();
          const precision = pr < 0.9 ? 'day' : pr < 0.98 ? 'month' : 'year';
          const date =
            precision === 'day'
              ? `${month}-${String(day).padStart(2, '0')}`
              : precision === 'month'
                ? `${month}-01`
                : `${month.slice(0, 4)}-01-01`;
          const nActs = 1 + (rng.uniform() < 0.35 ? 1 : 0) + (rng.uniform() < 0.1 ? 1 : 0);
          const types = Array.from({ length: nActs }, () => pickWeighted(rng, actTypes));
          const es = rng.uniform() < 0.75;
          const place = state ? state.name : country;
          const actWord = (es ? actWordsEs : actWordsEn)[types[0]!] ?? (es ? 'hostigamiento' : 'harassment');
          const narrative = pick(rng, es ? narrativesEs : narrativesEn)(place, actWord);
          const title = es
            ? `${actWord.charAt(0).toUpperCase()}${actWord.slice(1)} en ${place}`
            : `${actWord.charAt(0).toUpperCase()}${actWord.slice(1)} in ${place}`;
          const v = rng.uniform();
          const visibility =
            v < vis.private ? 'private' : v < vis.private + vis.coalition ? 'coalition' : 'public';
          const incidentId = newId();
          incidents.push({
            organisation_id: org,
            id: incidentId,
            title,
            narrative,
            start_date: date,
            start_precision: precision,
            country,
            subdivision: state?.code ?? null,
            place_name: null,
            status: pick(rng, ['open', 'under_verification', 'verified', 'verified', 'closed']),
            visibility,
            language: es ? 'es' : 'en',
          });
          // One victim per incident usually; sometimes several acts against one victim.
          const victims: string[] = [];
          for (let a = 0; a < nActs; a++) {
            let victimId = victims[0];
            if (!victimId || rng.uniform() < 0.5) {
              victimId = newId();
              victims.push(victimId);
              const kr = rng.uniform();
              const kind = kr < 0.6 ? 'person' : kr < 0.85 ? 'organisation' : 'group';
              const name =
                kind === 'person'
                  ? `${pick(rng, firstNames)} ${pick(rng, lastNames)} ${pick(rng, lastNames)}`
                  : kind === 'organisation'
                    ? `${pick(rng, orgWords[0]!)} ${pick(rng, orgWords[1]!)} ${pick(rng, veStates).name}`
                    : `Integrantes de ${pick(rng, orgWords[0]!)} ${pick(rng, orgWords[1]!)}`;
              actors.push({
                organisation_id: org,
                id: victimId,
                kind,
                name_enc: await ctx.keys.encrypt(keysDb, org, `actor.name_enc:${victimId}`, name),
                name_bidx: await ctx.keys.blindIndex(keysDb, org, name),
                sectors:
                  rng.uniform() < 0.5
                    ? [pick(rng, sectors)]
                    : [pick(rng, sectors), pick(rng, sectors)].filter((s, j, arr) => arr.indexOf(s) === j),
                group_size: kind === 'group' ? 2 + Math.floor(rng.uniform() * 20) : null,
                consent_to_name: false,
              });
            }
            const actId = newId();
            acts.push({
              organisation_id: org,
              id: actId,
              incident_id: incidentId,
              victim_id: victimId,
              act_type: types[a]!,
              start_date: date,
              start_precision: precision,
              country,
              subdivision: state?.code ?? null,
            });
            const nPerp = rng.uniform() < 0.3 ? 2 : 1;
            for (let p = 0; p < nPerp; p++) {
              involvements.push({
                organisation_id: org,
                id: newId(),
                act_id: actId,
                perpetrator_type: pickWeighted(rng, perpetratorTypes),
                degree: 'direct',
              });
            }
          }
        }
        const inBatch = (fn: (trx: DB) => Promise<void>): Promise<void> =>
          trx ? fn(trx) : inTransaction(ctx.db, systemScope([org]), fn);
        const write = inBatch(async (tx) => {
          const history = opts.history !== false;
          await insertRows(tx, 'incident', incidents, history);
          await insertRows(tx, 'actor', actors, history);
          await insertRows(tx, 'act', acts, history);
          await insertRows(tx, 'involvement', involvements, history);
          await appendAudit(tx, {
            organisationId: org,
            userId: null,
            action: 'synthetic.load',
            detail: {
              incidents: incidents.length,
              acts: acts.length,
              actors: actors.length,
              seed: opts.seed ?? 1,
            },
          });
        }).then(() => {
          res.incidents += incidents.length;
          res.acts += acts.length;
          res.actors += actors.length;
          res.involvements += involvements.length;
          opts.onProgress?.(res.incidents);
        });
        inflight.push(write);
        // The next batch is generated while this one is written; on a server, a few batches are
        // written at once (each its own transaction and connection).
        // In a bulk load the batches share one transaction: one at a time (audit entries chain).
        if (inflight.length >= (trx ? 1 : (opts.concurrency ?? 1))) await inflight.shift();
      }
    }
    await Promise.all(inflight);
  } catch (e) {
    // Let the batches still being written finish (or fail) before reporting the first failure.
    await Promise.allSettled(inflight);
    throw e;
  }
  res.ms = Date.now() - started;
  return res;
}
