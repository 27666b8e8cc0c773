/**
 * Reads the pasted text of an already-published statement: the first line is the title, a line
 * with the date follows (ISO `2021-02-16`, or `16/02/2021`), then paragraphs separated by blank
 * lines, and a heading such as "Signatories:" / "Firmantes:" before one organisation per line.
 */
import { AppError, type FieldIssue } from '../shared/errors.js';
import { actorOrganisation, actorUserId, authorize, writeScope, type Actor, type Ctx } from '../access/index.js';
import { parseInput } from '../records/index.js';
import type { Lang } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import { inTransaction } from '../store/index.js';
import { statementSlugTaken } from './statements.queries.js';
import { invalidatePublic } from './public-cache.js';
import { addSignedOrganisation, logStatementEvent, slugify, versionSlug } from './statements.commands.js';
import { importInput } from './statements.schema.js';

export interface ParsedStatement {
  title: string;
  date: string;
  lead: string;
  body: string;
  signatories: string[];
}

const signatoryHeading = /^\s*(signatories|signatory organi[sz]ations|signed by|signed|firmantes|organizaciones firmantes|firman|signatarios|signataires|signatários)\s*:?\s*$/i;

function parseDate(line: string): string | null {
  const s = line.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) {
    const d = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s);
    if (d) m = [s, d[3]!, d[2]!.padStart(2, '0'), d[1]!.padStart(2, '0')] as unknown as RegExpExecArray;
  }
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const dt = new Date(iso + 'T00:00:00Z');
  return !Number.isNaN(dt.getTime()) && dt.toISOString().slice(0, 10) === iso ? iso : null;
}

export function parseStatementText(text: string): ParsedStatement {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const issues: FieldIssue[] = [];
  let i = 0;
  while (i < lines.length && !lines[i]!.trim()) i++;
  const title = (lines[i] ?? '').trim();
  const titleLine = i + 1;
  i++;
  while (i < lines.length && !lines[i]!.trim()) i++;
  const date = parseDate(lines[i] ?? '');
  if (title.length < 3) issues.push({ path: ['text', 'line', titleLine], key: 'statements:errors.import_title', values: { line: titleLine } });
  if (!date) issues.push({ path: ['text', 'line', i + 1], key: 'statements:errors.import_date', values: { line: i + 1 } });
  i++;
  const paragraphs: string[] = [];
  const signatories: string[] = [];
  let current: string[] = [];
  let inSignatories = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (!inSignatories && signatoryHeading.test(line)) {
      if (current.length) paragraphs.push(current.join(' '));
      current = [];
      inSignatories = true;
      continue;
    }
    if (inSignatories) {
      const name = line.replace(/^\s*[-*•·]\s*/, '').trim();
      if (name) signatories.push(name);
      continue;
    }
    if (!line.trim()) {
      if (current.length) paragraphs.push(current.join(' '));
      current = [];
    } else current.push(line.trim());
  }
  if (current.length) paragraphs.push(current.join(' '));
  if (!paragraphs.length) issues.push({ path: ['text'], key: 'statements:errors.import_body' });
  if (issues.length) throw new AppError('validation', { issues });
  return { title, date: date!, lead: paragraphs[0]!, body: paragraphs.slice(1).join('\n\n'), signatories: [...new Set(signatories)] };
}

// ------------------------------------------------------------------------------- the command


/** Puts an already-published statement online as a published archive entry, dated as it was. */
export async function importStatement(ctx: Ctx, actor: Actor, body: unknown, lang: Lang = 'es'): Promise<{ id: string; slug: string; versionSlug: string }> {
  authorize(actor, 'statement.publish');
  const input = parseInput(importInput, body, lang);
  const parsed = parseStatementText(input.text);
  const orgId = actorOrganisation(actor);
  const who = { organisationId: orgId, userId: actorUserId(actor), requestId: actor.requestId };
  const id = newId();
  const out = await inTransaction(ctx.db, writeScope(actor), async (trx) => {
    let slug = input.slug ?? `${slugify(parsed.title, 50)}-${parsed.date.slice(0, 4)}`;
    for (let i = 2; await statementSlugTaken(trx, slug); i++) slug = `${input.slug ?? slugify(parsed.title, 50)}-${parsed.date.slice(0, 4)}-${i}`;
    const vslug = versionSlug(slug, input.lang);
    const at = new Date(parsed.date + 'T12:00:00Z');
    await trx
      .insertInto('statement')
      .values({
        organisation_id: orgId,
        id,
        slug,
        status: 'published',
        source_lang: input.lang,
        countries: input.countries,
        themes: input.themes,
        statement_date: parsed.date,
        published_at: at,
        imported: true,
        created_by: who.userId,
        updated_by: who.userId,
      })
      .execute();
    await trx
      .insertInto('statement_version')
      .values({ organisation_id: orgId, statement_id: id, lang: input.lang, slug: vslug, title: parsed.title, lead: parsed.lead, body: parsed.body, created_by: who.userId, updated_by: who.userId })
      .execute();
    for (const name of parsed.signatories) await addSignedOrganisation(trx, orgId, id, { [input.lang]: name }, at);
    await logStatementEvent(ctx, trx, who, id, 'import', { signatories: parsed.signatories.length }, { from: 'draft', to: 'published' });
    return { id, slug, versionSlug: vslug };
  });
  invalidatePublic(ctx);
  return out;
}
