/**
 * Who a command-line import, export or backup acts as: a user (by e-mail; `org` picks among their
 * organisations), with exactly that user's role and coalitions, or an organisation (by slug) as
 * the system acting for it (owner view, every permission). Unknown names are reported, never guessed.
 */
import { coalitionsOf, membershipsOf, type Actor } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import type { DB } from '../store/index.js';

export async function resolveActor(db: DB, as: string, org?: string): Promise<Actor> {
  if (as.includes('@')) {
    const user = await db.selectFrom('app_user').select(['id', 'disabled_at']).where('email', '=', as).executeTakeFirst();
    if (!user || user.disabled_at) throw new AppError('bad_input', { issues: [{ path: ['--as'], key: 'interop:cli.no_user', values: { email: as } }] });
    const ms = await membershipsOf(db, user.id);
    const m = org ? ms.find((x) => x.slug === org || x.organisationId === org) : ms[0];
    if (!m || (!org && ms.length > 1)) {
      throw new AppError('bad_input', { issues: [{ path: ['--org'], key: 'interop:cli.pick_org', values: { list: ms.map((x) => x.slug).join(', ') } }] });
    }
    return { kind: 'user', userId: user.id, organisationId: m.organisationId, role: m.role, coalitionIds: await coalitionsOf(db, m.organisationId) };
  }
  const o = await db.selectFrom('organisation').select(['id']).where('slug', '=', as).executeTakeFirst();
  if (!o) throw new AppError('bad_input', { issues: [{ path: ['--as'], key: 'interop:cli.no_org', values: { slug: as } }] });
  return { kind: 'system', organisationId: o.id };
}
