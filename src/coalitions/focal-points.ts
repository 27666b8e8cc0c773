/**
 * Telling an organisation something through its focal points: its signatories and the people it
 * named focal points of a coalition, or its administrators when it named nobody. The notice goes to
 * /notifications (ids only) and an e-mail with a link; neither carries anything from the cases.
 * The sender's organisation cannot see another organisation's members, so the server looks them up
 * (a definer function, migration 070) and writes the notices in the receiving organisation's scope.
 */
import { sql } from 'kysely';
import type { Ctx } from '../access/index.js';
import { isLang, t, type Lang } from '../shared/i18n/index.js';
import { newId } from '../shared/ids.js';
import { sendMail, type MailConfig } from '../shared/mail.js';
import { inTransaction, systemScope, type DB } from '../store/index.js';
import './coalitions.tables.js';

export interface FocalPoint {
  userId: string;
  email: string;
  lang: Lang;
}

export async function focalPointsOf(trx: DB, orgId: string): Promise<FocalPoint[]> {
  const r = await sql<{ id: string; email: string; lang: string }>`SELECT u.id, u.email::text AS email, u.lang
    FROM atalaya_focal_points(${orgId}::uuid) f JOIN app_user u ON u.id = f.user_id ORDER BY u.email`.execute(trx);
  return r.rows.map((x) => ({ userId: x.id, email: x.email, lang: isLang(x.lang) ? x.lang : 'es' }));
}

export interface FocalNotice {
  kind: 'statement_invitation' | 'coalition_invitation';
  /** Ids only (the notifications page links from them). */
  payload: Record<string, string>;
  /** Path of the page the e-mail links to. */
  path: string;
  /** i18n keys of the e-mail's subject and text; `values` fill them (`link` is added). */
  subjectKey: string;
  textKey: string;
  values: Record<string, string>;
}

/** Notifies and e-mails the focal points of `orgId`; returns how many people were told. */
export async function notifyFocalPoints(ctx: Ctx, mail: MailConfig & { publicUrl: string }, orgId: string, n: FocalNotice): Promise<number> {
  const people = await inTransaction(ctx.db, systemScope([orgId]), async (trx) => {
    const found = await focalPointsOf(trx, orgId);
    for (const p of found) {
      await trx
        .insertInto('invitation_notice')
        .values({ organisation_id: orgId, id: newId(), user_id: p.userId, kind: n.kind, payload: JSON.stringify(n.payload), emailed_at: new Date() })
        .execute();
    }
    return found;
  });
  const link = `${mail.publicUrl.replace(/\/$/, '')}${n.path}`;
  for (const p of people) {
    await sendMail(mail, { to: p.email, subject: t(p.lang, n.subjectKey, n.values), text: t(p.lang, n.textKey, { ...n.values, link }) });
  }
  return people.length;
}
