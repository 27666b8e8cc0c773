/** Proposals of vocabulary terms by an organisation's members (never new terms by themselves). */
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { appendAudit, inTransaction, type DB } from '../store/index.js';
import { hasCode, isVocabularyName } from '../vocab/index.js';
import { authorize, type Actor, type UserActor } from './policies/policy.js';

declare module '../store/schema.js' {
  interface Database {
    vocab_proposal: {
      organisation_id: string;
      id: string;
      vocabulary: string;
      parent_code: string | null;
      label_es: string;
      label_en: string;
      note: string | null;
      status: import('kysely').Generated<'proposed' | 'accepted' | 'declined'>;
      proposed_by: string | null;
      created_at: import('kysely').ColumnType<Date, Date | undefined, Date>;
    };
  }
}

export const proposalInput = z.object({
  vocabulary: z.string().refine(isVocabularyName, { params: { key: 'admin:vocab.unknown_vocabulary' } }),
  parentCode: z.string().trim().max(80).optional().transform((v) => v || null),
  labelEs: z.string().trim().min(2).max(200),
  labelEn: z.string().trim().min(2).max(200),
  note: z.string().trim().max(2000).optional().transform((v) => v || null),
});

export interface Proposal {
  id: string;
  vocabulary: string;
  parentCode: string | null;
  labelEs: string;
  labelEn: string;
  note: string | null;
  status: string;
  proposedBy: string | null;
  createdAt: string;
}

export async function proposeTerm(db: DB, actor: Actor, input: z.output<typeof proposalInput>): Promise<string> {
  authorize(actor, 'vocab.propose');
  const a = actor as UserActor;
  if (input.parentCode && !hasCode(input.vocabulary as never, input.parentCode)) {
    throw new AppError('validation', { issues: [{ path: ['parentCode'], key: 'admin:vocab.unknown_parent' }] });
  }
  const id = newId();
  await inTransaction(db, { organisationIds: [a.organisationId], coalitionIds: [], userId: a.userId }, async (trx) => {
    await trx
      .insertInto('vocab_proposal')
      .values({ organisation_id: a.organisationId, id, vocabulary: input.vocabulary, parent_code: input.parentCode, label_es: input.labelEs, label_en: input.labelEn, note: input.note, proposed_by: a.userId })
      .execute();
    await appendAudit(trx, { organisationId: a.organisationId, userId: a.userId, action: 'vocab.propose', objectTable: 'vocab_proposal', objectId: id, detail: { vocabulary: input.vocabulary }, requestId: a.requestId ?? null });
  });
  return id;
}

export async function listProposals(db: DB, actor: Actor, vocabulary?: string): Promise<Proposal[]> {
  authorize(actor, 'record.read');
  const a = actor as UserActor;
  return inTransaction(db, { organisationIds: [a.organisationId], coalitionIds: [], userId: a.userId }, async (trx) => {
    let q = trx
      .selectFrom('vocab_proposal as p')
      .leftJoin('app_user as u', 'u.id', 'p.proposed_by')
      .select(['p.id', 'p.vocabulary', 'p.parent_code', 'p.label_es', 'p.label_en', 'p.note', 'p.status', 'u.display_name', 'p.created_at'])
      .where('p.organisation_id', '=', a.organisationId)
      .orderBy('p.created_at', 'desc');
    if (vocabulary) q = q.where('p.vocabulary', '=', vocabulary);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      vocabulary: r.vocabulary,
      parentCode: r.parent_code,
      labelEs: r.label_es,
      labelEn: r.label_en,
      note: r.note,
      status: r.status,
      proposedBy: r.display_name,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  });
}
