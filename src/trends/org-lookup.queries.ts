/** Which organisation a command-line run acts for. */
import { AppError } from '../shared/errors.js';
import type { DB } from '../store/index.js';

/** The organisation with this slug; without a slug, the only organisation (several: `--org` is required). */
export async function resolveOrganisation(db: DB, slug: string | undefined): Promise<{ id: string; slug: string }> {
  if (slug) {
    const o = await db.selectFrom('organisation').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst();
    if (!o) throw new AppError('bad_input', { issues: [{ path: ['--org'], key: 'analysis:errors.unknown_org', values: { slug } }] });
    return o;
  }
  const all = await db.selectFrom('organisation').select(['id', 'slug']).orderBy('slug').limit(50).execute();
  if (all.length === 1) return all[0]!;
  throw new AppError('bad_input', {
    issues: [{ path: ['--org'], key: all.length === 0 ? 'analysis:errors.no_org' : 'analysis:errors.org_required', values: { slugs: all.map((o) => o.slug).join(', ') } }],
  });
}
