/**
 * Receipt codes: the only key a reporter holds. Eight everyday words drawn uniformly (crypto
 * randomness) from a list of ≥ 2,048 harmless Spanish words, so a note that holds one looks like a
 * shopping list. The first two words are a non-secret locator that finds the report without
 * scanning every hash; the other six (≥ 66 bits) are kept only as an Argon2id hash.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';

const here = dirname(fileURLToPath(import.meta.url));
export const receiptWords: readonly string[] = readFileSync(join(here, 'receipt-words.txt'), 'utf8')
  .split('\n')
  .map((w) => w.trim())
  .filter(Boolean);
const known = new Set(receiptWords);

export const LOCATOR_WORDS = 2;
export const SECRET_WORDS = 6;
const ARGON2ID = 2;
// Heavier than a password hash per attempt matters less than memory: a guess costs the guesser too.
const options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Receipt {
  /** The whole code as shown to the reporter once. */
  code: string;
  locator: string;
  secret: string;
}

/** Bits of entropy in the hashed part of a code. */
export const secretBits = (): number => SECRET_WORDS * Math.log2(receiptWords.length);

export function newReceipt(): Receipt {
  const words = Array.from({ length: LOCATOR_WORDS + SECRET_WORDS }, () => receiptWords[randomInt(receiptWords.length)]!);
  return { code: words.join(' '), locator: words.slice(0, LOCATOR_WORDS).join('-'), secret: words.slice(LOCATOR_WORDS).join(' ') };
}

/**
 * Reads a code as typed: case, accents, punctuation, line breaks and extra spaces do not matter.
 * Null when it is not eight known words (answered like a wrong code).
 */
export function parseReceipt(input: unknown): { locator: string; secret: string } | null {
  if (typeof input !== 'string' || input.length > 400) return null;
  const words = input
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
  if (words.length !== LOCATOR_WORDS + SECRET_WORDS || !words.every((w) => known.has(w))) return null;
  return { locator: words.slice(0, LOCATOR_WORDS).join('-'), secret: words.slice(LOCATOR_WORDS).join(' ') };
}

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, options);
}

export async function secretMatches(stored: string, secret: string): Promise<boolean> {
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Verified against when no report has the locator, so a miss costs the same time as a wrong secret. */
export function dummySecretHash(): Promise<string> {
  dummy ??= hashSecret(newReceipt().secret);
  return dummy;
}
