/**
 * Escalation for one country and act type: the monthly series (explicit zeros) from the counts,
 * the change-point test from stats/, and the stored result (method, seed, replicates and the hash
 * of the series), so that every sentence shown can be reproduced.
 */
import { createHash } from 'node:crypto';
import { authorize, actorOrganisation, readScope, type Actor, type Ctx } from '../access/index.js';
import type { Lang } from '../shared/i18n/index.js';
import { t } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import { inTransaction, systemScope, type DB } from '../store/index.js';
import { label } from '../vocab/index.js';
import { countName } from './analysis.labels.js';
import './analysis.tables.js';
import { countInScope, type CountScope, type ReadOptions } from './counts.queries.js';
import type { CountQuery, Facet, Unit } from './counts.schema.js';
import { describeEscalation, detectEscalation, type EscalationResult, type SeriesPoint } from './stats/index.js';

export interface EscalationRequest {
  unit: Unit;
  country?: string | undefined;
  actType?: string | undefined;
  /** Further filters (e.g. victim_kind=organisation for raids on NGO offices). */
  where?: Partial<Record<Facet, string[]>>;
  from?: string | undefined;
  to?: string | undefined;
}

export interface EscalationAnalysis {
  series: SeriesPoint[];
  result: EscalationResult;
  excluded: { undated: number; imprecise: number };
  /** Escalation is tested for increases and decreases alike; seed fixed so reruns agree. */
  seed: number;
  replicates: number;
}

export const escalationSeed = 20201101;
export const escalationReplicates = 999;

export function escalationQuery(r: EscalationRequest): CountQuery {
  const where: Partial<Record<Facet, string[]>> = { ...(r.where ?? {}) };
  if (r.country) where.country = [r.country];
  if (r.actType) where.act_type = [r.actType];
  return { unit: r.unit, period: 'month', by: [], where, from: r.from, to: r.to };
}

export function scopeKey(r: EscalationRequest): string {
  const extra = Object.entries(r.where ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${[...(v ?? [])].sort().join('|')}`)
    .join(',');
  return [r.unit, r.country ?? '*', r.actType ?? '*', extra, r.from ?? '', r.to ?? ''].join(';');
}

/** Runs the test on the series of a scope (no authorisation: callers check it). */
export async function escalationInScope(db: DB, scope: CountScope, r: EscalationRequest, opts: ReadOptions = {}): Promise<EscalationAnalysis> {
  const counts = await countInScope(db, scope, escalationQuery(r), opts);
  const series = counts.rows.map((row) => ({ period: row.period!, count: row.count }));
  const result = detectEscalation(series, { seed: escalationSeed, replicates: escalationReplicates });
  return { series, result, excluded: counts.excluded, seed: escalationSeed, replicates: escalationReplicates };
}

/** Stores the result with what reproduces it (method, seed, replicates, hash of the input series). */
export async function storeEscalation(db: DB, orgId: string, r: EscalationRequest, a: EscalationAnalysis): Promise<void> {
  const inputHash = createHash('sha256').update(JSON.stringify(a.series)).digest('hex');
  const key = scopeKey(r);
  await inTransaction(db, systemScope([orgId]), async (trx) => {
    const last = await trx
      .selectFrom('escalation_result')
      .select(['input_hash', 'method'])
      .where('organisation_id', '=', orgId)
      .where('scope_key', '=', key)
      .orderBy('computed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last && last.input_hash === inputHash && last.method === a.result.method) return;
    await trx
      .insertInto('escalation_result')
      .values({
        organisation_id: orgId,
        id: newId(),
        scope_key: key,
        method: a.result.method,
        seed: a.seed,
        replicates: a.replicates,
        input_hash: inputHash,
        result: JSON.stringify(a.result),
      })
      .execute();
  });
}

/** Escalation as the actor may see it, stored for their organisation. `readDb`: where the counts are read (a read replica may serve them). */
export async function analyseEscalation(ctx: Ctx, actor: Actor, r: EscalationRequest, opts: ReadOptions = {}, readDb: DB = ctx.db): Promise<EscalationAnalysis> {
  authorize(actor, 'analysis.read');
  const a = await escalationInScope(readDb, readScope(actor), r, opts);
  await storeEscalation(ctx.db, actorOrganisation(actor), r, a);
  return a;
}

/** "Raids on office or home in Venezuela (incidents)": the subject of the sentence. */
export function escalationSubject(r: EscalationRequest, lang: Lang): string {
  const what = r.actType ? label('act_type', r.actType, lang) : t(lang, 'analysis:subject.all');
  const where = r.country ? t(lang, 'analysis:subject.in', { place: countName(r.country, lang) }) : '';
  return `${what}${where} (${t(lang, `analysis:units.${r.unit}`)})`;
}

export function escalationSentence(a: EscalationAnalysis, r: EscalationRequest, lang: Lang): string {
  return describeEscalation(a.result, lang, { subject: escalationSubject(r, lang) });
}
