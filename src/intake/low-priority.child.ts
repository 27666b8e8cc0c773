/**
 * The public intake's heavy steps, in a process of their own at the lowest CPU priority (started by
 * low-priority.ts, which lowers the priority before this module or any thread pool is loaded): the
 * receipt code's Argon2id hash and check, and a photo's clean copy. It receives bytes and secrets
 * over its IPC channel and answers with results: it opens no file, holds no key, logs nothing.
 */
import { cpuUsage } from 'node:process';
import { imageCleaner } from '../records/image-clean.js';
import { hashSecret, secretMatches } from './receipt.js';

export type Job = { kind: 'hash'; secret: string } | { kind: 'verify'; stored: string; secret: string } | { kind: 'clean'; bytes: Uint8Array; mediaType: string };
export type Reply = { id: number; ok: true; value: unknown; cpuMs: number } | { id: number; ok: false; error: string; cpuMs: number };

async function perform(job: Job): Promise<unknown> {
  if (job.kind === 'hash') return hashSecret(job.secret);
  if (job.kind === 'verify') return secretMatches(job.stored, job.secret);
  return (await imageCleaner(job.mediaType, Buffer.from(job.bytes))).toBuffer();
}

const cpu = () => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};

process.on('message', (m: { id: number; job: Job }) => {
  perform(m.job).then(
    (value) => process.send?.({ id: m.id, ok: true, value, cpuMs: cpu() } satisfies Reply),
    (e: unknown) => process.send?.({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e), cpuMs: cpu() } satisfies Reply),
  );
});
// Gone with its parent.
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, value: 'ready', cpuMs: cpu() } satisfies Reply);
