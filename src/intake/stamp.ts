/**
 * The form's stamp: a server-signed challenge (issue time, random nonce, organisation) that the
 * page's small script answers with a proof of work while the reporter writes. Without JavaScript
 * there is no proof and the server instead requires the stamp to have been issued a while ago, so
 * the form never fails for lack of a script; either way a stamp is used once. The stamp lives only
 * in the form and in this process's memory: it is never stored or logged.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../access/index.js';

export interface StampRules {
  /** Leading zero bits the proof's SHA-256 must have. */
  difficulty: number;
  /** Seconds a stamp must have waited when it comes back with a proof. */
  minSecondsWithProof: number;
  /** Seconds it must have waited without one (the path for browsers without JavaScript). */
  minSecondsWithoutProof: number;
  /** Seconds after which a stamp is refused (the form is served again, keeping what was typed). */
  maxSeconds: number;
}

export const defaultStampRules: StampRules = { difficulty: 16, minSecondsWithProof: 2, minSecondsWithoutProof: 20, maxSeconds: 6 * 3600 };

export type StampVerdict = { ok: true } | { ok: false; reason: 'invalid' | 'used' | 'expired' | 'too_soon'; waitSeconds?: number };

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`intake-stamp:${body}`).digest('base64url').slice(0, 32);
}

export function issueStamp(secret: Buffer, orgId: string, nowMs = Date.now()): string {
  const body = `${Math.floor(nowMs / 1000)}.${randomBytes(12).toString('base64url')}.${orgId}`;
  return `${body}.${sign(secret, body)}`;
}

export function leadingZeroBits(buf: Buffer): number {
  let n = 0;
  for (const byte of buf) {
    if (byte === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

export function proofValid(stamp: string, proof: string, difficulty: number): boolean {
  if (!/^\d{1,12}$/.test(proof)) return false;
  return leadingZeroBits(createHash('sha256').update(`${stamp}:${proof}`).digest()) >= difficulty;
}

/** Remembers used stamps until they expire, so one solved stamp sends one report. */
export class StampBook {
  private used = new Map<string, number>();
  constructor(
    private secret: Buffer,
    readonly rules: StampRules = defaultStampRules,
  ) {}

  issue(orgId: string): string {
    return issueStamp(this.secret, orgId);
  }

  /** Checks without spending the stamp (the form may be sent again after a correction). */
  check(stamp: unknown, proof: unknown, orgId: string, nowMs = Date.now()): StampVerdict {
    if (typeof stamp !== 'string' || stamp.length > 200) return { ok: false, reason: 'invalid' };
    const parts = stamp.split('.');
    if (parts.length !== 4) return { ok: false, reason: 'invalid' };
    const [ts, nonce, org, sig] = parts as [string, string, string, string];
    if (org !== orgId || !safeEqual(sig, sign(this.secret, `${ts}.${nonce}.${org}`))) return { ok: false, reason: 'invalid' };
    if (this.used.has(stamp)) return { ok: false, reason: 'used' };
    const age = nowMs / 1000 - Number(ts);
    if (age > this.rules.maxSeconds) return { ok: false, reason: 'expired' };
    const solved = typeof proof === 'string' && proofValid(stamp, proof, this.rules.difficulty);
    const min = solved ? this.rules.minSecondsWithProof : this.rules.minSecondsWithoutProof;
    if (age < min) return { ok: false, reason: 'too_soon', waitSeconds: Math.ceil(min - age) };
    return { ok: true };
  }

  spend(stamp: string, nowMs = Date.now()): void {
    const cutoff = nowMs / 1000 - this.rules.maxSeconds;
    if (this.used.size > 10_000) for (const [s, at] of this.used) if (at < cutoff) this.used.delete(s);
    this.used.set(stamp, nowMs / 1000);
  }
}
