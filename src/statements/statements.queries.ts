/**
 * Reads of joint statements: the coordinator's views (everything, with invitation states and the
 * translator flags) and the public views (published statements only, signatory names as each
 * organisation asked them to appear, individuals only as a count, cited cases only as public as
 * their owners made them).
 */
import { sql } from 'kysely';
import { authorize, readScope, actorOrganisation, type Actor, type Ctx } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { inTransaction, publicScope, systemScope, type DB } from '../store/index.js';
import { renderMarkdown } from './markdown.render.js';
import { nowFor } from './statements.clock.js';
import type { SignatoryStatus, StatementStatus } from './statements.tables.js';
import type { CitedCase } from './statements.cases.js';
import './statements.tables.js';

export interface VersionSummary {
  lang: string;
  slug: string;
  title: string;
  revision: number;
  sourceRevision: number | null;
  /** True when the source text changed after this translation was last saved. */
  stale: boolean;
  translator: string | null;
  updatedAt: Date;
}

export interface StatementSummary {
  id: string;
  slug: string;
  status: StatementStatus;
  title: string;
  sourceLang: string;
  languages: string[];
  staleLanguages: string[];
  signed: number;
  invited: number;
  updatedAt: Date;
  embargoUntil: Date | null;
  publishedAt: Date | null;
}

function summariseVersions(rows: { lang: string; slug: string; title: string; revision: number; source_revision: number | null; translator: string | null; updated_at: Date }[], sourceLang: string): VersionSummary[] {
  const source = rows.find((r) => r.lang === sourceLang);
  return rows
    .map((r) => ({
      lang: r.lang,
      slug: r.slug,
      title: r.title,
      revision: r.revision,
      sourceRevision: r.source_revision,
      stale: r.lang !== sourceLang && !!source && (r.source_revision ?? 0) < source.revision,
      translator: r.translator,
      updatedAt: r.updated_at,
    }))
    .sort((a, b) => (a.lang === sourceLang ? -1 : b.lang === sourceLang ? 1 : a.lang.localeCompare(b.lang)));
}

export async function listOwnStatements(ctx: Ctx, actor: Actor): Promise<StatementSummary[]> {
  authorize(actor, 'statement.read');
  const orgId = actorOrganisation(actor);
  const { sts, vs, sig } = await inTransaction(ctx.db, systemScope([orgId]), async (db) => {
    const sts = await db.selectFrom('statement').selectAll().where('organisation_id', '=', orgId).where('archived_at', 'is', null).orderBy('updated_at', 'desc').limit(500).execute();
    if (!sts.length) return { sts, vs: [], sig: [] };
    const ids = sts.map((s) => s.id);
    const vs = await db.selectFrom('statement_version').selectAll().where('organisation_id', '=', orgId).where('statement_id', 'in', ids).execute();
    const sig = await db.selectFrom('statement_signatory').select(['statement_id', 'status', 'kind']).where('organisation_id', '=', orgId).where('statement_id', 'in', ids).execute();
    return { sts, vs, sig };
  });
  if (!sts.length) return [];
  return sts.map((s) => {
    const versions = summariseVersions(vs.filter((v) => v.statement_id === s.id), s.source_lang);
    const mine = sig.filter((x) => x.statement_id === s.id && x.kind === 'organisation');
    return {
      id: s.id,
      slug: s.slug,
      status: s.status,
      title: versions[0]?.title ?? s.slug,
      sourceLang: s.source_lang,
      languages: versions.map((v) => v.lang),
      staleLanguages: versions.filter((v) => v.stale).map((v) => v.lang),
      signed: mine.filter((x) => x.status === 'signed').length,
      invited: mine.length,
      updatedAt: s.updated_at,
      embargoUntil: s.embargo_until,
      publishedAt: s.published_at,
    };
  });
}

export interface SignatoryView {
  id: string;
  kind: 'organisation' | 'individual';
  status: SignatoryStatus;
  channel: 'email' | 'platform' | 'import' | 'open';
  /** The invited address (coordinator only) or the organisation's name on the platform. */
  contact: string | null;
  names: Record<string, string>;
  signerName: string | null;
  sortKey: number | null;
  openedAt: Date | null;
  signedAt: Date | null;
  declinedAt: Date | null;
  withdrawnAt: Date | null;
  createdAt: Date;
}

export interface StatementEditorView {
  id: string;
  version: number;
  slug: string;
  status: StatementStatus;
  sourceLang: string;
  countries: string[];
  themes: string[];
  statementDate: string | null;
  embargoUntil: Date | null;
  publishedAt: Date | null;
  signDeadline: Date | null;
  openSignon: boolean;
  signatoryOrder: 'alpha' | 'manual';
  hero: { key: string; width: number; height: number } | null;
  heroCredit: string | null;
  press: { name: string | null; email: string | null; phone: string | null };
  withdrawnAt: Date | null;
  withdrawalNote: string | null;
  versions: (VersionSummary & { lead: string; body: string; heroAlt: string | null })[];
  signatories: SignatoryView[];
  incidents: CitedCase[];
  corrections: { at: Date; notes: Record<string, string> }[];
  events: { at: Date; event: string; from: string | null; to: string | null; detail: Record<string, unknown> }[];
}

export async function getStatementForEditor(ctx: Ctx, actor: Actor, id: string): Promise<StatementEditorView> {
  authorize(actor, 'statement.read');
  const scope = readScope(actor);
  const orgId = actorOrganisation(actor);
  if (!scope.organisationIds.includes(orgId)) throw new AppError('not_found');
  return inTransaction(ctx.db, scope, (db) => editorView(ctx, db, orgId, id));
}

async function editorView(ctx: Ctx, db: DB, orgId: string, id: string): Promise<StatementEditorView> {
  const s = await db.selectFrom('statement').selectAll().where('organisation_id', '=', orgId).where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
  if (!s) throw new AppError('not_found');
  const vs = await db.selectFrom('statement_version').selectAll().where('organisation_id', '=', orgId).where('statement_id', '=', id).execute();
  const sigRows = await db.selectFrom('statement_signatory').selectAll().where('organisation_id', '=', orgId).where('statement_id', '=', id).orderBy('created_at').execute();
  const orgIds = sigRows.map((r) => r.invited_org_id).filter((x): x is string => !!x);
  const orgs = orgIds.length ? await db.selectFrom('organisation').select(['id', 'name']).where('id', 'in', orgIds).execute() : [];
  const signatories: SignatoryView[] = [];
  for (const r of sigRows) {
    const email = r.email_enc ? await ctx.keys.decrypt(db, orgId, `statement_signatory.email_enc:${r.id}`, r.email_enc) : null;
    const signer = r.signer_name_enc ? await ctx.keys.decrypt(db, orgId, `statement_signatory.signer_name_enc:${r.id}`, r.signer_name_enc) : null;
    signatories.push({
      id: r.id,
      kind: r.kind,
      status: r.status,
      channel: r.kind === 'individual' ? 'open' : r.invited_org_id ? 'platform' : r.email_enc ? 'email' : 'import',
      contact: email ?? orgs.find((o) => o.id === r.invited_org_id)?.name ?? null,
      names: r.display_names,
      signerName: signer,
      sortKey: r.sort_key,
      openedAt: r.opened_at,
      signedAt: r.signed_at,
      declinedAt: r.declined_at,
      withdrawnAt: r.withdrawn_at,
      createdAt: r.created_at,
    });
  }
  const incidents = await db
    .selectFrom('statement_incident as si')
    .innerJoin('incident as i', (j) => j.onRef('i.organisation_id', '=', 'si.organisation_id').onRef('i.id', '=', 'si.incident_id'))
    .select(['i.id', 'i.title', 'i.start_date', 'i.start_approximate', 'i.end_date', 'i.end_approximate', 'i.country', 'i.subdivision', 'i.place_name'])
    .where('si.organisation_id', '=', orgId)
    .where('si.statement_id', '=', id)
    .orderBy('i.start_date')
    .orderBy('i.title')
    .execute();
  const corrections = await db.selectFrom('statement_correction').selectAll().where('organisation_id', '=', orgId).where('statement_id', '=', id).orderBy('corrected_at').execute();
  const events = await db.selectFrom('statement_event').selectAll().where('organisation_id', '=', orgId).where('statement_id', '=', id).orderBy('at').execute();
  const summaries = summariseVersions(vs, s.source_lang);
  return {
    id: s.id,
    version: s.version,
    slug: s.slug,
    status: s.status,
    sourceLang: s.source_lang,
    countries: s.countries,
    themes: s.themes,
    statementDate: s.statement_date,
    embargoUntil: s.embargo_until,
    publishedAt: s.published_at,
    signDeadline: s.sign_deadline,
    openSignon: s.open_signon,
    signatoryOrder: s.signatory_order,
    hero: s.hero_key ? { key: s.hero_key, width: s.hero_width ?? 0, height: s.hero_height ?? 0 } : null,
    heroCredit: s.hero_credit,
    press: { name: s.press_name, email: s.press_email, phone: s.press_phone },
    withdrawnAt: s.withdrawn_at,
    withdrawalNote: s.withdrawal_note,
    versions: summaries.map((v) => {
      const r = vs.find((x) => x.lang === v.lang)!;
      return { ...v, lead: r.lead, body: r.body, heroAlt: r.hero_alt };
    }),
    signatories,
    incidents: incidents.map((i) => ({
      id: i.id,
      title: i.title,
      startDate: i.start_date,
      startApproximate: i.start_approximate,
      endDate: i.end_date,
      endApproximate: i.end_approximate,
      country: i.country,
      subdivision: i.subdivision,
      placeName: i.place_name,
    })),
    corrections: corrections.map((c) => ({ at: c.corrected_at, notes: c.notes })),
    events: events.map((e) => ({ at: e.at, event: e.event, from: e.from_status, to: e.to_status, detail: e.detail })),
  };
}

/** Invitations addressed to the actor's organisation on the platform. */
export async function invitationsForOrganisation(ctx: Ctx, actor: Actor) {
  authorize(actor, 'statement.read');
  const orgId = actorOrganisation(actor);
  // The scope of the invited organisation: row-level security shows it the invitations addressed to it.
  return inTransaction(ctx.db, systemScope([orgId]), async (db) => {
    const rows = await db
      .selectFrom('statement_signatory as g')
      .innerJoin('statement as s', (j) => j.onRef('s.organisation_id', '=', 'g.organisation_id').onRef('s.id', '=', 'g.statement_id'))
      .innerJoin('organisation as o', 'o.id', 'g.organisation_id')
      .select(['g.id', 'g.status', 'g.display_names', 'g.organisation_id', 'g.statement_id', 's.status as statementStatus', 's.sign_deadline', 'o.name as coordinator'])
      .where('g.invited_org_id', '=', orgId)
      .orderBy('g.created_at', 'desc')
      .execute();
    const out = [];
    for (const r of rows) {
      const vs = await db.selectFrom('statement_version').select(['lang', 'title', 'lead']).where('organisation_id', '=', r.organisation_id).where('statement_id', '=', r.statement_id).orderBy('lang').execute();
      out.push({ id: r.id, status: r.status, names: r.display_names, statementStatus: r.statementStatus, signDeadline: r.sign_deadline, coordinator: r.coordinator, versions: vs });
    }
    return out;
  });
}

// ------------------------------------------------------------------------------------- public

export const publicStatuses: StatementStatus[] = ['published', 'corrected', 'withdrawn'];

export interface PublicVersionRef {
  lang: string;
  slug: string;
  title: string;
}

export interface PublicStatement {
  id: string;
  slug: string;
  status: StatementStatus;
  countries: string[];
  themes: string[];
  statementDate: string | null;
  publishedAt: Date;
  updatedAt: Date;
  withdrawnAt: Date | null;
  withdrawalNote: string | null;
  imported: boolean;
  lang: string;
  versionSlug: string;
  title: string;
  lead: string;
  body: string;
  bodyHtml: string;
  heroAlt: string | null;
  translator: string | null;
  sourceLang: string;
  versions: PublicVersionRef[];
  hero: { key: string; width: number; height: number; credit: string | null; orgId: string } | null;
  press: { name: string | null; email: string | null; phone: string | null };
  signatories: string[];
  individuals: number;
  corrections: { at: Date; note: string }[];
  cases: { title: string; month: string | null; country: string | null }[];
  coordinator: string;
  openSignon: boolean;
}

function pickName(names: Record<string, string>, lang: string, fallbackOrder: string[]): string | null {
  if (names[lang]) return names[lang]!;
  const base = lang.split('-')[0]!;
  const close = Object.keys(names).find((k) => k.split('-')[0] === base);
  if (close) return names[close]!;
  for (const l of fallbackOrder) if (names[l]) return names[l]!;
  return Object.values(names).find(Boolean) ?? null;
}

/** Signatory names in `lang` (alphabetical by default, or the coordinator's order) and the count of individuals. */
export async function publicSignatories(db: DB, orgId: string, statementId: string, order: 'alpha' | 'manual', lang: string, sourceLang: string): Promise<{ names: string[]; individuals: number }> {
  const rows = await db
    .selectFrom('statement_signatory')
    .select(['kind', 'display_names', 'sort_key'])
    .where('organisation_id', '=', orgId)
    .where('statement_id', '=', statementId)
    .where('status', '=', 'signed')
    .execute();
  const collator = new Intl.Collator(lang, { sensitivity: 'base' });
  const orgs = rows
    .filter((r) => r.kind === 'organisation')
    .map((r) => ({ name: pickName(r.display_names, lang, [sourceLang, 'en', 'es']) ?? '', key: r.sort_key }))
    .filter((r) => r.name);
  orgs.sort((a, b) => (order === 'manual' ? (a.key ?? 1e9) - (b.key ?? 1e9) : 0) || collator.compare(a.name, b.name));
  return { names: orgs.map((o) => o.name), individuals: rows.filter((r) => r.kind === 'individual').length };
}

export type PublicLookup = { kind: 'ok'; statement: PublicStatement } | { kind: 'embargoed' } | { kind: 'missing' };

/** A language version by its public slug; statements not yet published answer `embargoed` and nothing else. */
export async function publicStatementBySlug(ctx: Ctx, slug: string): Promise<PublicLookup> {
  if (!/^[a-z0-9-]{1,120}$/i.test(slug)) return { kind: 'missing' };
  return inTransaction(ctx.db, publicScope, (db) => publicStatementIn(ctx, db, slug));
}

async function publicStatementIn(ctx: Ctx, db: DB, slug: string): Promise<PublicLookup> {
  const v = await db.selectFrom('statement_version').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!v) {
    // The public scope does not see unpublished statements; their slug still answers "embargoed".
    const status = await statementStatusBySlug(db, slug);
    return status === 'scheduled' || status === 'open' || status === 'draft' ? { kind: 'embargoed' } : { kind: 'missing' };
  }
  const s = await db.selectFrom('statement').selectAll().where('organisation_id', '=', v.organisation_id).where('id', '=', v.statement_id).where('archived_at', 'is', null).executeTakeFirst();
  if (!s) return { kind: 'missing' };
  const now = nowFor(ctx);
  if (!publicStatuses.includes(s.status) || !s.published_at || s.published_at.getTime() > now.getTime()) {
    return s.status === 'scheduled' || s.status === 'open' || s.status === 'draft' ? { kind: 'embargoed' } : { kind: 'missing' };
  }
  const vs = await db.selectFrom('statement_version').select(['lang', 'slug', 'title']).where('organisation_id', '=', s.organisation_id).where('statement_id', '=', s.id).orderBy('lang').execute();
  const sig = await publicSignatories(db, s.organisation_id, s.id, s.signatory_order, v.lang, s.source_lang);
  const corrections = await db.selectFrom('statement_correction').selectAll().where('organisation_id', '=', s.organisation_id).where('statement_id', '=', s.id).orderBy('corrected_at').execute();
  // Cited cases are read as the public would read them (row-level security's public scope on a server).
  const cases = await sql<{ title: string; start_date: string | null; start_precision: string | null; country: string | null }>`
    SELECT i.title, i.start_date, i.start_precision, i.country
    FROM statement_incident si JOIN incident i ON i.organisation_id = si.organisation_id AND i.id = si.incident_id
    WHERE si.organisation_id = ${s.organisation_id} AND si.statement_id = ${s.id}
      AND i.visibility = 'public' AND i.archived_at IS NULL
    ORDER BY i.start_date NULLS LAST, i.title`.execute(db);
  const org = await db.selectFrom('organisation').select('name').where('id', '=', s.organisation_id).executeTakeFirstOrThrow();
  return {
    kind: 'ok',
    statement: {
      id: s.id,
      slug: s.slug,
      status: s.status,
      countries: s.countries,
      themes: s.themes,
      statementDate: s.statement_date,
      publishedAt: s.published_at,
      updatedAt: s.updated_at,
      withdrawnAt: s.withdrawn_at,
      withdrawalNote: s.withdrawal_note,
      imported: s.imported,
      lang: v.lang,
      versionSlug: v.slug,
      title: v.title,
      lead: v.lead,
      body: v.body,
      bodyHtml: renderMarkdown(v.body),
      heroAlt: v.hero_alt,
      translator: v.translator,
      sourceLang: s.source_lang,
      versions: vs.map((x) => ({ lang: x.lang, slug: x.slug, title: x.title })),
      hero: s.hero_key ? { key: s.hero_key, width: s.hero_width ?? 0, height: s.hero_height ?? 0, credit: s.hero_credit, orgId: s.organisation_id } : null,
      press: { name: s.press_name, email: s.press_email, phone: s.press_phone },
      signatories: sig.names,
      individuals: sig.individuals,
      corrections: corrections.map((c) => ({ at: c.corrected_at, note: pickName(c.notes, v.lang, [s.source_lang, 'en', 'es']) ?? '' })),
      cases: cases.rows.map((c) => ({
        title: c.title,
        month: c.start_date ? (c.start_precision === 'year' ? c.start_date.slice(0, 4) : c.start_date.slice(0, 7)) : null,
        country: c.country,
      })),
      coordinator: org.name,
      openSignon: s.open_signon,
    },
  };
}

export interface PublicIndexFilters {
  country?: string | undefined;
  lang?: string | undefined;
  theme?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  limit?: number;
  withSignatories?: boolean;
}

export interface PublicIndexEntry {
  id: string;
  slug: string;
  versionSlug: string;
  lang: string;
  title: string;
  lead: string;
  status: StatementStatus;
  countries: string[];
  themes: string[];
  statementDate: string | null;
  publishedAt: Date;
  updatedAt: Date;
  versions: PublicVersionRef[];
  /** The coordinating organisation, which publishes the statement (the feed's author). */
  coordinator: string;
  /** Filled only when asked for (`withSignatories`): the feed lists them. */
  signatories?: { names: string[]; individuals: number };
}

/**
 * Published statements, newest first. With `lang`, only versions in that language; without it,
 * one entry per statement in the reader's language when there is one, else in its source language.
 */
export async function publicIndex(ctx: Ctx, f: PublicIndexFilters, readerLang: string): Promise<PublicIndexEntry[]> {
  return inTransaction(ctx.db, publicScope, (db) => publicIndexIn(ctx, db, f, readerLang));
}

async function publicIndexIn(ctx: Ctx, db: DB, f: PublicIndexFilters, readerLang: string): Promise<PublicIndexEntry[]> {
  const now = nowFor(ctx);
  let q = db
    .selectFrom('statement as s')
    .innerJoin('statement_version as v', (j) => j.onRef('v.organisation_id', '=', 's.organisation_id').onRef('v.statement_id', '=', 's.id'))
    .innerJoin('organisation as o', 'o.id', 's.organisation_id')
    .select([
      's.id',
      's.organisation_id',
      'o.name as coordinator',
      's.signatory_order',
      's.slug',
      's.status',
      's.countries',
      's.themes',
      's.statement_date',
      's.published_at',
      's.updated_at',
      's.source_lang',
      'v.lang',
      'v.slug as vslug',
      'v.title',
      'v.lead',
    ])
    .where('s.status', 'in', publicStatuses)
    .where('s.published_at', '<=', now)
    .where('s.archived_at', 'is', null);
  if (f.country) q = q.where(sql<boolean>`s.countries @> ARRAY[${f.country.toUpperCase()}]::text[]`);
  if (f.theme) q = q.where(sql<boolean>`s.themes @> ARRAY[${f.theme.toLowerCase()}]::text[]`);
  if (f.from) q = q.where(sql<boolean>`coalesce(s.statement_date, s.published_at::date) >= ${f.from}::date`);
  if (f.to) q = q.where(sql<boolean>`coalesce(s.statement_date, s.published_at::date) <= ${f.to}::date`);
  // The search vector holds Spanish and English stems: a word matches in either language.
  if (f.q) q = q.where(sql<boolean>`v.search @@ (plainto_tsquery('spanish', atalaya_unaccent(${f.q})) || plainto_tsquery('english', atalaya_unaccent(${f.q})))`);
  const rows = await q.orderBy(sql`coalesce(s.statement_date, s.published_at::date)`, 'desc').orderBy('s.id').limit(2000).execute();
  const byStatement = new Map<string, typeof rows>();
  for (const r of rows) byStatement.set(r.id, [...(byStatement.get(r.id) ?? []), r]);
  const allVersions = rows.length
    ? await db.selectFrom('statement_version').select(['statement_id', 'lang', 'slug', 'title']).where('statement_id', 'in', [...byStatement.keys()]).orderBy('lang').execute()
    : [];
  const out: PublicIndexEntry[] = [];
  const wanted = f.lang?.toLowerCase();
  for (const [id, vs] of byStatement) {
    const pick = wanted
      ? vs.find((v) => v.lang.toLowerCase() === wanted || v.lang.toLowerCase().split('-')[0] === wanted)
      : (vs.find((v) => v.lang === readerLang) ?? vs.find((v) => v.lang === v.source_lang) ?? vs[0]);
    if (!pick) continue;
    out.push({
      id,
      slug: pick.slug,
      versionSlug: pick.vslug,
      lang: pick.lang,
      title: pick.title,
      lead: pick.lead,
      status: pick.status,
      countries: pick.countries,
      themes: pick.themes,
      statementDate: pick.statement_date,
      publishedAt: pick.published_at!,
      updatedAt: pick.updated_at,
      versions: allVersions.filter((a) => a.statement_id === id).map((a) => ({ lang: a.lang, slug: a.slug, title: a.title })),
      coordinator: pick.coordinator,
      ...(f.withSignatories ? { signatories: await publicSignatories(db, pick.organisation_id, id, pick.signatory_order, pick.lang, pick.source_lang) } : {}),
    });
    if (out.length >= (f.limit ?? 200)) break;
  }
  return out;
}

/** Values the index can be filtered by (countries, themes and languages of published statements). */
export async function publicFacets(ctx: Ctx): Promise<{ countries: string[]; themes: string[]; languages: string[] }> {
  const now = nowFor(ctx);
  const query = sql<{ countries: string[] | null; themes: string[] | null; languages: string[] | null }>`
    SELECT (SELECT array_agg(DISTINCT c ORDER BY c) FROM statement s, unnest(s.countries) c
              WHERE s.status IN ('published', 'corrected', 'withdrawn') AND s.published_at <= ${now} AND s.archived_at IS NULL) AS countries,
           (SELECT array_agg(DISTINCT th ORDER BY th) FROM statement s, unnest(s.themes) th
              WHERE s.status IN ('published', 'corrected', 'withdrawn') AND s.published_at <= ${now} AND s.archived_at IS NULL) AS themes,
           (SELECT array_agg(DISTINCT v.lang ORDER BY v.lang) FROM statement s JOIN statement_version v ON v.organisation_id = s.organisation_id AND v.statement_id = s.id
              WHERE s.status IN ('published', 'corrected', 'withdrawn') AND s.published_at <= ${now} AND s.archived_at IS NULL) AS languages`;
  const r = await inTransaction(ctx.db, publicScope, (db) => query.execute(db));
  const row = r.rows[0];
  return { countries: row?.countries ?? [], themes: row?.themes ?? [], languages: row?.languages ?? [] };
}

/** Every public language version, for the sitemap. */
export async function publicSitemapEntries(ctx: Ctx): Promise<{ slug: string; lang: string; updatedAt: Date; alternates: { lang: string; slug: string }[] }[]> {
  const now = nowFor(ctx);
  const rows = await inTransaction(ctx.db, publicScope, (db) =>
    db
      .selectFrom('statement as s')
      .innerJoin('statement_version as v', (j) => j.onRef('v.organisation_id', '=', 's.organisation_id').onRef('v.statement_id', '=', 's.id'))
      .select(['s.id', 's.updated_at', 'v.slug', 'v.lang'])
      .where('s.status', 'in', publicStatuses)
      .where('s.published_at', '<=', now)
      .where('s.archived_at', 'is', null)
      .orderBy('v.slug')
      .execute(),
  );
  return rows.map((r) => ({ slug: r.slug, lang: r.lang, updatedAt: r.updated_at, alternates: rows.filter((x) => x.id === r.id).map((x) => ({ lang: x.lang, slug: x.slug })) }));
}

/** A hero image file key, only when its statement is public (or the caller owns it). */
export async function heroOwner(ctx: Ctx, key: string): Promise<{ orgId: string; statementId: string; isPublic: boolean } | null> {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) return null;
  // Whatever the scope: the route lets the owner see a draft's image and everyone a published one.
  const r = await sql<{ organisation_id: string; id: string; status: StatementStatus; published_at: Date | null }>`
    SELECT * FROM atalaya_statement_by_hero(${key})`.execute(ctx.db);
  const s = r.rows[0];
  if (!s) return null;
  const now = nowFor(ctx);
  return { orgId: s.organisation_id, statementId: s.id, isPublic: publicStatuses.includes(s.status) && !!s.published_at && s.published_at.getTime() <= now.getTime() };
}

// ------------------------------------------------------------- look-ups that precede any scope
// Row-level security hides other organisations' statements; these SECURITY DEFINER functions
// (migration 055) answer the few questions that must be asked before a scope is known.

/** The signatory row a sign-on link's token (or its withdrawal token) leads to. */
export async function signatoryKeyByToken(db: DB, hash: Buffer, which: 'sign' | 'withdraw'): Promise<{ organisation_id: string; id: string } | undefined> {
  const r =
    which === 'sign'
      ? await sql<{ organisation_id: string; id: string }>`SELECT * FROM atalaya_signatory_by_token(${hash})`.execute(db)
      : await sql<{ organisation_id: string; id: string }>`SELECT * FROM atalaya_signatory_by_withdraw_token(${hash})`.execute(db);
  return r.rows[0];
}

/** Whether a statement slug is taken by any organisation (`asStem`: also as the stem of a version's slug). */
export async function statementSlugTaken(db: DB, slug: string, exceptStatement: string | null = null, asStem = false): Promise<boolean> {
  const r = await sql<{ taken: boolean }>`SELECT atalaya_statement_slug_taken(${slug}, ${exceptStatement}::uuid, ${asStem}) AS taken`.execute(db);
  return r.rows[0]?.taken === true;
}

/** The status of the statement a version slug names, whoever owns it. */
export async function statementStatusBySlug(db: DB, slug: string): Promise<StatementStatus | null> {
  const r = await sql<{ status: StatementStatus | null }>`SELECT atalaya_statement_status_by_slug(${slug}) AS status`.execute(db);
  return r.rows[0]?.status ?? null;
}

/** Scheduled statements of every organisation whose embargo has ended by `at`. */
export async function statementsDue(db: DB, at: Date): Promise<{ organisation_id: string; id: string; embargo_until: Date | null; version: number }[]> {
  const r = await sql<{ organisation_id: string; id: string; embargo_until: Date | null; version: number }>`SELECT * FROM atalaya_statements_due(${at})`.execute(db);
  return r.rows;
}

/** The earliest embargo of any scheduled statement. */
export async function nextEmbargo(db: DB): Promise<Date | null> {
  const r = await sql<{ next: Date | null }>`SELECT atalaya_next_embargo() AS next`.execute(db);
  return r.rows[0]?.next ?? null;
}
