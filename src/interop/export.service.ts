/**
 * Exports exactly the incidents a case-list filter selects (the same query parameters as
 * `listIncidents`, through `listIncidents` itself, so access rules and the partner view are the
 * ones the screen applies), with their acts, victims and perpetrators, to CSV, XLSX, JSON, HXL
 * CSV or HURIDOCS-ESF-shaped JSON. Every incident carries a link back to its page.
 *
 * Cells starting with = + - @ tab or CR are prefixed with an apostrophe in CSV and XLSX, so a
 * spreadsheet program never runs them as formulas (CSV injection). HXL output never carries
 * personal names. One audit entry records each export with its counts and which filters were
 * used (not their values: a search text can be a name).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { sql } from 'kysely';
import { actorOrganisation, actorUserId, authorize, readScope, type Actor, type Ctx } from '../access/index.js';
import { listIncidents, presentRow, recordInput, type Presented, type Row, type Viewer } from '../records/index.js';
import type { Lang } from '../shared/i18n/index.js';
import { appendAudit, inTransaction, type DB } from '../store/index.js';
import { externalIdAad, externalIdsOf as sealedExternalIds } from './import.queries.js';
import { getTerm, label as vocabLabel, type VocabName } from '../vocab/index.js';

export const exportFormats = ['csv', 'xlsx', 'json', 'hxl', 'esf'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export type ExportFilters = Partial<Omit<recordInput.ListQuery, 'limit' | 'cursor'>>;

export interface ExportOptions {
  format: ExportFormat;
  filters: ExportFilters;
  publicUrl: string;
  lang: Lang;
  /** Called after each incident written, with the counts so far. */
  onProgress?: (r: ExportResult) => void;
}

export interface ExportedAct {
  act: Presented;
  victim: Presented | null;
  involvements: Presented[];
}
export interface ExportedIncident {
  incident: Presented;
  url: string;
  acts: ExportedAct[];
  /** The ids the incident had in the files it was imported from (own organisation's incidents only). */
  externalIds: { dataset: string; id: string }[];
}

export const exportMediaTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  hxl: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
  esf: 'application/json; charset=utf-8',
};
export const exportExtensions: Record<ExportFormat, string> = { csv: 'csv', hxl: 'hxl.csv', xlsx: 'xlsx', json: 'json', esf: 'esf.json' };

/** A text that a spreadsheet would take for a formula gets a leading apostrophe. */
export function neutralise(v: unknown): unknown {
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Shares that unlock fields for the partner view of one incident (as the case page computes them). */
async function partnerViewer(trx: DB, coalitionIds: readonly string[], orgId: string, incidentId: string): Promise<Viewer> {
  if (!coalitionIds.length) return { kind: 'partner', extraFields: [] };
  const shares = await trx
    .selectFrom('record_share')
    .select('fields')
    .where('organisation_id', '=', orgId)
    .where('incident_id', '=', incidentId)
    .where('coalition_id', 'in', coalitionIds as string[])
    .execute();
  return { kind: 'partner', extraFields: [...new Set(shares.flatMap((s) => s.fields ?? []))] };
}

/** The acts (with victim and involvements) of a page of incidents already selected by listIncidents. */
async function childrenOf(ctx: Ctx, actor: Actor, incidents: Presented[]): Promise<Map<string, ExportedAct[]>> {
  const scope = readScope(actor);
  const out = new Map<string, ExportedAct[]>();
  if (!incidents.length) return out;
  return inTransaction(ctx.db, scope, async (trx) => {
    const byOrg = new Map<string, string[]>();
    for (const i of incidents) byOrg.set(i.organisationId, [...(byOrg.get(i.organisationId) ?? []), i.id]);
    const viewers = new Map<string, Viewer>();
    for (const i of incidents) {
      viewers.set(i.id, i.withheld ? await partnerViewer(trx, scope.coalitionIds, i.organisationId, i.id) : { kind: 'owner' });
    }
    for (const [org, ids] of byOrg) {
      const acts = (
        await sql<Row>`SELECT * FROM act WHERE organisation_id = ${org} AND incident_id = ANY(${ids}::uuid[]) AND archived_at IS NULL
          ORDER BY incident_id, start_date NULLS LAST, created_at, id`.execute(trx)
      ).rows;
      const actIds = acts.map((a) => a.id);
      const invs = actIds.length
        ? (await sql<Row>`SELECT * FROM involvement WHERE organisation_id = ${org} AND act_id = ANY(${actIds}::uuid[]) AND archived_at IS NULL ORDER BY created_at, id`.execute(trx)).rows
        : [];
      const victimIds = [...new Set(acts.map((a) => a.victim_id as string))];
      const victims = victimIds.length ? (await sql<Row>`SELECT * FROM actor WHERE organisation_id = ${org} AND id = ANY(${victimIds}::uuid[])`.execute(trx)).rows : [];
      const victimRow = new Map(victims.map((v) => [v.id, v]));
      const invByAct = new Map<string, Row[]>();
      for (const i of invs) invByAct.set(i.act_id as string, [...(invByAct.get(i.act_id as string) ?? []), i]);
      for (const a of acts) {
        const viewer = viewers.get(a.incident_id as string)!;
        const v = victimRow.get(a.victim_id as string);
        const entry: ExportedAct = {
          act: await presentRow(ctx, trx, 'act', a, viewer),
          victim: v ? await presentRow(ctx, trx, 'actor', v, viewer) : null,
          involvements: await Promise.all((invByAct.get(a.id) ?? []).map((i) => presentRow(ctx, trx, 'involvement', i, viewer))),
        };
        const list = out.get(a.incident_id as string) ?? [];
        list.push(entry);
        out.set(a.incident_id as string, list);
      }
    }
    return out;
  });
}

/**
 * The source ids of imported incidents, unsealed, for the exporting organisation's own incidents
 * only: a partner's copy never learns how another organisation's files named its rows.
 */
async function externalIdsOf(ctx: Ctx, actor: Actor, incidents: Presented[]): Promise<Map<string, { dataset: string; id: string }[]>> {
  const out = new Map<string, { dataset: string; id: string }[]>();
  const org = actorOrganisation(actor);
  const own = incidents.filter((i) => i.organisationId === org && !i.withheld).map((i) => i.id);
  if (!own.length) return out;
  return inTransaction(ctx.db, readScope(actor), async (trx) => {
    for (const r of await sealedExternalIds(trx, org, own)) {
      const id = await ctx.keys.decrypt(trx, org, externalIdAad(r.key_bidx), r.external_id_enc);
      out.set(r.incident_id, [...(out.get(r.incident_id) ?? []), { dataset: r.dataset, id }]);
    }
    return out;
  });
}

/** Every selected incident with its acts, a page at a time, in the case list's order. */
export async function* selectForExport(ctx: Ctx, actor: Actor, filters: ExportFilters, publicUrl: string): AsyncGenerator<ExportedIncident> {
  let cursor: string | undefined;
  const base = publicUrl.replace(/\/+$/, '');
  for (;;) {
    const page = await listIncidents(ctx, actor, recordInput.listQuery.parse({ ...filters, limit: 200, ...(cursor ? { cursor } : {}) }), { exhaustive: true });
    const kids = await childrenOf(ctx, actor, page.items);
    const ext = await externalIdsOf(ctx, actor, page.items);
    for (const i of page.items) yield { incident: i, url: `${base}/incidents/${i.id}`, acts: kids.get(i.id) ?? [], externalIds: ext.get(i.id) ?? [] };
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

const lbl = (v: VocabName, code: unknown, lang: Lang): string => (typeof code === 'string' && getTerm(v, code) ? vocabLabel(v, code, lang) : '');
const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export const flatColumns = [
  'id', 'url', 'title', 'start_date', 'start_approximate', 'end_date', 'country', 'subdivision', 'place_name', 'status', 'status_label',
  'visibility', 'act_types', 'act_type_labels', 'victims_count', 'victims', 'perpetrator_types', 'perpetrator_type_labels', 'narrative', 'version', 'updated_at',
  // Last, so that files read by column position before these existed still line up.
  'dataset', 'external_id',
] as const;

/** One line per incident: acts, victims and perpetrators folded into lists. Withheld fields stay empty. */
export function flatRow(e: ExportedIncident, lang: Lang): Record<(typeof flatColumns)[number], unknown> {
  const i = e.incident;
  const types = uniq(e.acts.map((a) => a.act.actType as string));
  const victims = uniq(e.acts.map((a) => a.victim?.id).filter((x): x is string => Boolean(x)));
  const names = uniq(e.acts.map((a) => (a.victim?.name as string | undefined) ?? '').filter(Boolean));
  const perps = uniq(e.acts.flatMap((a) => a.involvements.map((v) => v.perpetratorType as string)));
  return {
    id: i.id,
    url: e.url,
    title: i.title,
    start_date: str(i.startDate),
    start_approximate: i.startApproximate ? 'true' : 'false',
    end_date: str(i.endDate),
    country: str(i.country),
    subdivision: str(i.subdivision),
    place_name: str(i.placeName),
    status: str(i.status),
    status_label: lbl('incident_status', i.status, lang),
    visibility: str(i.visibility),
    act_types: types.join('; '),
    act_type_labels: types.map((c) => lbl('act_type', c, lang)).join('; '),
    victims_count: victims.length,
    victims: names.join('; '),
    perpetrator_types: perps.join('; '),
    perpetrator_type_labels: perps.map((c) => lbl('perpetrator_type', c, lang)).join('; '),
    narrative: str(i.narrative),
    version: i.version,
    updated_at: i.updatedAt,
    dataset: e.externalIds.map((x) => x.dataset).join('; '),
    external_id: e.externalIds.map((x) => x.id).join('; '),
  };
}

/** HXL hashtags, one per flat column kept in HXL output (no names, no narratives). */
export const hxlColumns: [string, string, (e: ExportedIncident, lang: Lang) => unknown][] = [
  ['id', '#event+id', (e) => e.incident.id],
  ['title', '#event+name', (e) => e.incident.title],
  ['start_date', '#date+start', (e) => str(e.incident.startDate)],
  ['end_date', '#date+end', (e) => str(e.incident.endDate)],
  ['country', '#country+code', (e) => str(e.incident.country)],
  ['subdivision', '#adm1+code', (e) => str(e.incident.subdivision)],
  ['act_types', '#event+type+code', (e) => uniq(e.acts.map((a) => a.act.actType as string)).join('; ')],
  ['act_type_labels', '#event+type+name', (e, lang) => uniq(e.acts.map((a) => lbl('act_type', a.act.actType, lang))).join('; ')],
  ['victims_count', '#affected+num', (e) => uniq(e.acts.map((a) => a.victim?.id)).filter(Boolean).length],
  ['perpetrator_types', '#org+perpetrator+type+code', (e) => uniq(e.acts.flatMap((a) => a.involvements.map((v) => v.perpetratorType as string))).join('; ')],
  ['status', '#status+code', (e) => str(e.incident.status)],
  ['url', '#meta+url', (e) => e.url],
];

/** The JSON export's shape for one incident (export.schema.json documents it). */
export function jsonIncident(e: ExportedIncident): Record<string, unknown> {
  const { organisationId: _o, createdBy: _c, updatedBy: _u, ...inc } = e.incident;
  return {
    ...inc,
    url: e.url,
    externalIds: e.externalIds,
    acts: e.acts.map((a) => {
      const { organisationId: _ao, createdBy: _ac, updatedBy: _au, incidentId: _ai, victimId: _av, ...act } = a.act;
      return {
        ...act,
        victim: a.victim
          ? Object.fromEntries(Object.entries(a.victim).filter(([k]) => ['id', 'kind', 'name', 'gender', 'sectors', 'groupSize', 'withheld'].includes(k)))
          : null,
        perpetrators: a.involvements.map((v) => ({ id: v.id, perpetratorType: v.perpetratorType, degree: v.degree ?? null })),
      };
    }),
  };
}

const esfCode = (v: VocabName, code: unknown): string | null => (typeof code === 'string' ? (getTerm(v, code)?.esf ?? null) : null);

export interface ExportResult {
  incidents: number;
  acts: number;
}

async function write(out: Writable, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

/** Streams the export to `out` (which is ended) and records one audit entry. */
/** `readCtx`: where the rows are read (a read replica may serve them); the audit entry is written through `ctx`. */
export async function exportIncidents(ctx: Ctx, actor: Actor, opts: ExportOptions, out: Writable, readCtx: Ctx = ctx): Promise<ExportResult> {
  authorize(actor, 'analysis.export');
  const { lang } = opts;
  const rows = selectForExport(readCtx, actor, opts.filters, opts.publicUrl);
  const res: ExportResult = { incidents: 0, acts: 0 };
  const count = (e: ExportedIncident) => {
    res.incidents++;
    res.acts += e.acts.length;
    opts.onProgress?.(res);
  };
  if (opts.format === 'csv' || opts.format === 'hxl') {
    const csv = stringify({ bom: opts.format === 'csv' });
    csv.pipe(out);
    const done = once(out, 'finish');
    const put = async (r: unknown[]) => {
      if (!csv.write(r)) await once(csv, 'drain');
    };
    if (opts.format === 'csv') await put([...flatColumns]);
    else {
      await put(hxlColumns.map((c) => c[0]));
      await put(hxlColumns.map((c) => c[1]));
    }
    for await (const e of rows) {
      count(e);
      if (opts.format === 'csv') {
        const f = flatRow(e, lang);
        await put(flatColumns.map((c) => neutralise(f[c])));
      } else await put(hxlColumns.map((c) => neutralise(c[2](e, lang))));
    }
    csv.end();
    await done;
  } else if (opts.format === 'xlsx') {
    // Loaded on use: exceljs is ~27 MB resident, needed only for this format.
    const { default: excel } = await import('exceljs');
    const wb = new excel.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
    const ws = wb.addWorksheet('incidents');
    ws.addRow([...flatColumns]).commit();
    for await (const e of rows) {
      count(e);
      const f = flatRow(e, lang);
      ws.addRow(flatColumns.map((c) => neutralise(f[c]))).commit();
    }
    ws.commit();
    await wb.commit();
  } else if (opts.format === 'json') {
    await write(out, `{"$schema":"https://atalaya.example/schemas/export.schema.json","format":"atalaya-export","version":1,"exportedAt":${JSON.stringify(new Date().toISOString())},"incidents":[`);
    for await (const e of rows) {
      await write(out, (res.incidents ? ',\n' : '\n') + JSON.stringify(jsonIncident(e)));
      count(e);
    }
    await write(out, `\n],"count":${res.incidents}}\n`);
    out.end();
    await once(out, 'finish');
  } else {
    await writeEsf(rows, lang, out, count);
  }
  await inTransaction(ctx.db, readScope(actor), async (trx) => {
    await appendAudit(trx, {
      organisationId: actorOrganisation(actor),
      userId: actorUserId(actor),
      action: 'records.export',
      requestId: actor.requestId ?? null,
      detail: { format: opts.format, ...res, filters: Object.keys(opts.filters).filter((k) => (opts.filters as Record<string, unknown>)[k] !== undefined) },
    });
  });
  return res;
}

/**
 * HURIDOCS Events Standard Formats shape: events, acts, persons (victims) and involvements as four
 * lists linked by record numbers, with ESF thesaurus codes where the vocabulary crosswalks one
 * (and Atalaya's own code always, since not every term has an ESF equivalent). Built in memory.
 */
async function writeEsf(rows: AsyncGenerator<ExportedIncident>, lang: Lang, out: Writable, count: (e: ExportedIncident) => void): Promise<void> {
  const events: unknown[] = [];
  const acts: unknown[] = [];
  const persons = new Map<string, unknown>();
  const involvements: unknown[] = [];
  for await (const e of rows) {
    count(e);
    const i = e.incident;
    events.push({
      event_record_number: i.id,
      event_title: i.title,
      initial_date: i.startDate ?? null,
      final_date: i.endDate ?? null,
      geographical_term: i.subdivision ?? i.country ?? null,
      local_geographical_area: i.placeName ?? null,
      event_description: i.narrative ?? null,
      violation_status: i.status,
      url: e.url,
    });
    for (const a of e.acts) {
      acts.push({
        act_record_number: a.act.id,
        event: i.id,
        victim: a.victim?.id ?? null,
        type_of_act: esfCode('act_type', a.act.actType),
        type_of_act_atalaya: a.act.actType,
        type_of_act_label: lbl('act_type', a.act.actType, lang),
        initial_date: a.act.startDate ?? null,
        final_date: a.act.endDate ?? null,
        stated_reason: null,
      });
      if (a.victim && !persons.has(a.victim.id)) {
        persons.set(a.victim.id, {
          person_record_number: a.victim.id,
          counting_unit: a.victim.kind === 'person' ? 'person' : a.victim.kind,
          name: (a.victim.name as string | undefined) ?? null,
          sex: a.victim.gender ?? null,
          occupation: (a.victim.sectors as string[] | undefined) ?? [],
          number_of_persons_in_group: a.victim.groupSize ?? null,
        });
      }
      for (const v of a.involvements) {
        involvements.push({
          involvement_record_number: v.id,
          act: a.act.id,
          perpetrator: (v.perpetratorId as string | undefined) ?? null,
          type_of_perpetrator: esfCode('perpetrator_type', v.perpetratorType),
          type_of_perpetrator_atalaya: v.perpetratorType,
          degree_of_involvement: esfCode('involvement_degree', v.degree),
          degree_of_involvement_atalaya: v.degree ?? null,
        });
      }
    }
  }
  const doc = { format: 'HURIDOCS-ESF', version: '2001-atalaya-1', language: lang, events, acts, persons: [...persons.values()], involvements };
  await write(out, JSON.stringify(doc, null, 1) + '\n');
  out.end();
  await once(out, 'finish');
}
