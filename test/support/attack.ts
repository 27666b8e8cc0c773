import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The external attack corpora, in the project's shared folder beside the repository
 * (../shared/attack), or beside the folder of worktrees (../../shared/attack); tests skip cleanly
 * without them.
 */
export const attackDir = [join(process.cwd(), '..', 'shared', 'attack'), join(process.cwd(), '..', '..', 'shared', 'attack')].find((d) => existsSync(d)) ?? join(process.cwd(), '..', 'shared', 'attack');
