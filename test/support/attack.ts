import { join } from 'node:path';

/** The external attack corpora, beside the repository (../shared/attack); tests skip cleanly without them. */
export const attackDir = join(process.cwd(), '..', 'shared', 'attack');
