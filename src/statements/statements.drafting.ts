/**
 * Drafting a joint statement: creating it, editing its settings, saving language versions (each a
 * revision) and its cover image. Each command authorises, validates with translated field errors,
 * and writes in one transaction with its statement_event row and its audit entry.
 */
import { authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { parseInput } from '../records/index.js';
import { AppError } from '../shared/errors.js';
import { type Lang } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import { inTransaction } from '../store/index.js';
import { nowFor } from './statements.clock.js';
import { invalidatePublic } from './public-cache.js';
import * as S from './statements.schema.js';
import './statements.tables.js';
import { assertSlugFree, linkIncidents, loadOwn, logEvent, slugify, statementColumns, uniqueSlug, versionSlug, whoFor } from './statements.shared.js';

export async function createStatement(ctx: Ctx, actor: Actor, body: unknown, lang: Lang = 'es'): Promise<{ id: string; slug: string }> {
  authorize(actor, 'statement.create');
  const input = parseInput(S.statementCreate, body, lang);
  const who = whoFor(actor);
  const id = newId();
  const out = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const year = (input.statementDate ?? nowFor(ctx).toISOString()).slice(0, 4);
    let slug: string;
    if (input.slug) {
      await assertSlugFree(trx, input.slug);
      slug = input.slug;
    } else slug = await uniqueSlug(trx, `${slugify(input.title, 50)}-${year}`);
    const vslug = versionSlug(slug, input.sourceLang);
    await assertSlugFree(trx, vslug);
    await trx
      .insertInto('statement')
      .values({
        organisation_id: who.organisationId,
        id,
        slug,
        source_lang: input.sourceLang,
        created_by: who.userId,
        updated_by: who.userId,
        ...(statementColumns(input) as object),
      } as never)
      .execute();
    await trx
      .insertInto('statement_version')
      .values({
        organisation_id: who.organisationId,
        statement_id: id,
        lang: input.sourceLang,
        slug: vslug,
        title: input.title,
        lead: input.lead,
        body: input.body,
        translator: input.translator ?? null,
        hero_alt: input.heroAlt ?? null,
        source_revision: null,
        created_by: who.userId,
        updated_by: who.userId,
      })
      .execute();
    if (input.incidentIds?.length) await linkIncidents(trx, who.organisationId, id, input.incidentIds);
    await logEvent(ctx, trx, who, id, 'create', { lang: input.sourceLang });
    return { id, slug };
  });
  invalidatePublic(ctx);
  return out;
}

export async function updateStatement(ctx: Ctx, actor: Actor, id: string, body: unknown, lang: Lang = 'es'): Promise<void> {
  authorize(actor, 'statement.update');
  const { version, incidentIds, ...input } = parseInput(S.statementUpdate, body, lang);
  const who = whoFor(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const row = await loadOwn(trx, who.organisationId, id);
    if (row.version !== version) throw new AppError('conflict', { details: { currentVersion: row.version } });
    if (row.status === 'withdrawn') throw new AppError('invalid_state');
    const cols = statementColumns(input);
    await trx
      .updateTable('statement')
      .set({ ...(cols as object), version: row.version + 1, updated_at: nowFor(ctx), updated_by: who.userId } as never)
      .where('organisation_id', '=', who.organisationId)
      .where('id', '=', id)
      .execute();
    if (incidentIds !== undefined) await linkIncidents(trx, who.organisationId, id, incidentIds);
    await logEvent(ctx, trx, who, id, 'update', { fields: [...Object.keys(cols), ...(incidentIds !== undefined ? ['incidents'] : [])] });
  });
  invalidatePublic(ctx);
}

/**
 * Saves the text of one language version (creating it when new). Saving the source language
 * raises its revision; saving a translation records the source revision it now matches, which is
 * what clears the "older than its source" flag.
 */
export async function saveVersion(ctx: Ctx, actor: Actor, id: string, langTag: string, body: unknown, lang: Lang = 'es'): Promise<{ slug: string; revision: number }> {
  authorize(actor, 'statement.update');
  const tag = parseInput(S.langTag, langTag, lang);
  const input = parseInput(S.versionSave, body, lang);
  const who = whoFor(actor);
  const out = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, id);
    if (st.status === 'withdrawn') throw new AppError('invalid_state');
    const versions = await trx.selectFrom('statement_version').selectAll().where('organisation_id', '=', who.organisationId).where('statement_id', '=', id).execute();
    const source = versions.find((v) => v.lang === st.source_lang);
    const existing = versions.find((v) => v.lang === tag);
    const isSource = tag === st.source_lang;
    const now = nowFor(ctx);
    let revision: number;
    let slug: string;
    if (existing) {
      const changed = existing.title !== input.title || existing.lead !== input.lead || existing.body !== input.body;
      revision = existing.revision + (changed ? 1 : 0);
      slug = existing.slug;
      await trx
        .updateTable('statement_version')
        .set({
          title: input.title,
          lead: input.lead,
          body: input.body,
          translator: input.translator ?? null,
          hero_alt: input.heroAlt ?? null,
          revision,
          source_revision: isSource ? null : (source?.revision ?? null),
          updated_at: now,
          updated_by: who.userId,
        })
        .where('organisation_id', '=', who.organisationId)
        .where('statement_id', '=', id)
        .where('lang', '=', tag)
        .execute();
    } else {
      revision = 1;
      slug = versionSlug(st.slug, tag);
      await assertSlugFree(trx, slug, id);
      await trx
        .insertInto('statement_version')
        .values({
          organisation_id: who.organisationId,
          statement_id: id,
          lang: tag,
          slug,
          title: input.title,
          lead: input.lead,
          body: input.body,
          translator: input.translator ?? null,
          hero_alt: input.heroAlt ?? null,
          source_revision: isSource ? null : (source?.revision ?? null),
          created_by: who.userId,
          updated_by: who.userId,
        })
        .execute();
    }
    await trx.updateTable('statement').set({ updated_at: now, updated_by: who.userId }).where('organisation_id', '=', who.organisationId).where('id', '=', id).execute();
    await logEvent(ctx, trx, who, id, existing ? 'version.update' : 'version.create', { lang: tag, revision });
    return { slug, revision };
  });
  invalidatePublic(ctx);
  return out;
}


/** Records a hero image already processed by `processHeroImage`. */
export async function setHero(ctx: Ctx, actor: Actor, statementId: string, hero: { key: string; width: number; height: number }, credit: string | null): Promise<void> {
  authorize(actor, 'statement.update');
  const who = whoFor(actor);
  await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    const st = await loadOwn(trx, who.organisationId, statementId);
    await trx
      .updateTable('statement')
      .set({ hero_key: hero.key, hero_width: hero.width, hero_height: hero.height, hero_credit: credit, version: st.version + 1, updated_at: nowFor(ctx), updated_by: who.userId })
      .where('organisation_id', '=', who.organisationId)
      .where('id', '=', statementId)
      .execute();
    await logEvent(ctx, trx, who, statementId, 'hero', { width: hero.width, height: hero.height });
  });
  invalidatePublic(ctx);
}
