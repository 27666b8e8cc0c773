/**
 * The one place that decides who may do what. Deny by default: an action is allowed only when a
 * rule below says so. Routes call `authorize`; queries take the Scope that `readScope` returns,
 * so no query can reach tenant data the policy did not grant.
 */
import { AppError } from '../../shared/errors.js';
import type { Role } from '../../store/schema.js';
import type { Scope } from '../../store/tx.js';

export interface UserActor {
  kind: 'user';
  userId: string;
  /** The organisation the user is working in (chosen at sign-in or with the switcher). */
  organisationId: string;
  role: Role;
  coalitionIds: readonly string[];
  sessionId?: string;
  requestId?: string;
  clientHash?: string;
}
export interface AnonymousActor {
  kind: 'anonymous';
  requestId?: string;
  clientHash?: string;
}
/** The CLI and the server's own jobs, acting for one organisation. */
export interface SystemActor {
  kind: 'system';
  organisationId: string | null;
  requestId?: string;
}
export type Actor = UserActor | AnonymousActor | SystemActor;

export const actions = [
  'record.read',
  'record.create',
  'record.update',
  'record.archive',
  'record.share',
  'record.review',
  'record.comment',
  'record.link',
  'evidence.read',
  'evidence.create',
  'analysis.read',
  'analysis.export',
  'linkage.run',
  'linkage.review',
  'statement.read',
  'statement.create',
  'statement.update',
  'statement.publish',
  'statement.sign',
  'import.run',
  'audit.read',
  'org.manage',
  'user.manage',
  'vocab.propose',
  // Reports sent through the public intake: read and answered by documenters and reviewers only
  // (not admins, analysts or viewers), so fewer people ever see a reporter's words.
  'report.moderate',
] as const;
export type Action = (typeof actions)[number];

const roleActions: Record<Role, readonly Action[]> = {
  admin: actions.filter((a) => a !== 'report.moderate'),
  documenter: [
    'record.read', 'record.create', 'record.update', 'record.archive', 'record.share', 'record.comment', 'record.link',
    'evidence.read', 'evidence.create', 'analysis.read', 'analysis.export', 'statement.read', 'statement.create',
    'statement.update', 'statement.sign', 'import.run', 'vocab.propose', 'report.moderate',
  ],
  analyst: [
    'record.read', 'record.comment', 'record.link', 'evidence.read', 'analysis.read', 'analysis.export', 'linkage.run',
    'statement.read', 'vocab.propose',
  ],
  reviewer: [
    'record.read', 'record.review', 'record.comment', 'record.link', 'evidence.read', 'analysis.read', 'analysis.export',
    'linkage.run', 'linkage.review', 'statement.read', 'statement.update', 'statement.publish', 'statement.sign',
    'vocab.propose', 'report.moderate',
  ],
  viewer: ['record.read', 'analysis.read', 'statement.read'],
  // A focal point: reads and signs statements (its organisation's invitations included) and
  // nothing of the cases — no record, evidence, analysis or report action.
  signatory: ['statement.read', 'statement.sign'],
};

/** Actions a coalition partner may take on a record another organisation shared. */
const partnerActions: readonly Action[] = ['record.read', 'record.comment', 'record.link', 'analysis.read'];

export interface Resource {
  /** Owner of the record; absent for actions on the actor's own organisation as a whole. */
  organisationId?: string;
  /** Coalitions the record is shared with (for partner access). */
  sharedWith?: readonly string[];
}

export function can(actor: Actor, action: Action, resource: Resource = {}): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'user') return false;
  const owner = resource.organisationId ?? actor.organisationId;
  if (owner === actor.organisationId) return roleActions[actor.role].includes(action);
  const shared = resource.sharedWith?.some((c) => actor.coalitionIds.includes(c)) ?? false;
  return shared && partnerActions.includes(action) && roleActions[actor.role].includes(action);
}

/**
 * Throws when the policy denies. A denied read of a record answers like a missing record, so
 * nobody learns that another organisation's private record exists.
 */
export function authorize(actor: Actor, action: Action, resource: Resource = {}): void {
  if (can(actor, action, resource)) return;
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated');
  if (resource.organisationId && resource.organisationId !== (actor as UserActor).organisationId) {
    throw new AppError('not_found');
  }
  throw new AppError('forbidden');
}

/** The tenant scope for reading: own organisation's records, plus what its coalitions share. */
export function readScope(actor: Actor): Scope {
  if (actor.kind === 'user') {
    return { organisationIds: [actor.organisationId], coalitionIds: actor.coalitionIds, userId: actor.userId };
  }
  if (actor.kind === 'system') {
    return { organisationIds: actor.organisationId ? [actor.organisationId] : [], coalitionIds: [], userId: null };
  }
  return { organisationIds: [], coalitionIds: [], userId: null };
}

/** The scope for writing: only the organisation the actor works in. */
export function writeScope(actor: Actor): Scope {
  const s = readScope(actor);
  return { ...s, coalitionIds: [] };
}

export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

export function actorOrganisation(actor: Actor): string {
  if (actor.kind === 'user') return actor.organisationId;
  if (actor.kind === 'system' && actor.organisationId) return actor.organisationId;
  throw new AppError('unauthenticated');
}
