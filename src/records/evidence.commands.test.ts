import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserActor } from '../access/index.js';
import { AppError } from '../shared/errors.js';
import { engines, openTestDb, type TestDb } from '../../test/support/db.js';
import { makeOrg, makeUser } from '../../test/support/factories.js';
import { createRecord, getEvidence, openEvidence, uploadEvidence } from './index.js';

/** A JPEG carrying EXIF with a GPS position, as a phone camera writes it. */
export async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'TestPhone', Model: 'X1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 40/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '71/1 37/1 0/1' } })
    .toBuffer();
}

async function bytes(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe.each(engines)('evidence on %s', (engine) => {
  let t: TestDb;
  let org: string;
  let doc: UserActor;
  let incidentId: string;

  beforeAll(async () => {
    t = await openTestDb(engine);
    org = await makeOrg(t);
    doc = await makeUser(t, org, 'documenter');
    incidentId = (await createRecord(t, doc, 'incident', { title: 'Allanamiento de la sede' })).id;
  });
  afterAll(async () => t?.cleanup());

  it('stores a photo encrypted, keeps the original byte-exact and adds a copy without EXIF/GPS', async () => {
    const photo = await jpegWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const r = await uploadEvidence(t, doc, incidentId, Readable.from([photo.subarray(0, 1000), photo.subarray(1000)]), { originalName: 'IMG_0001 María.jpg' });
    expect(r.original.sha256).toBe(createHash('sha256').update(photo).digest('hex'));
    expect(r.original.mediaType).toBe('image/jpeg');
    expect(r.original.sizeBytes).toBe(photo.length);
    expect(r.original.originalName).toBe('IMG_0001 María.jpg');
    expect(r.stripped).not.toBeNull();
    expect(r.stripped!.derivedFrom).toBe(r.original.id);
    expect(r.stripped!.derivation).toBe('metadata_stripped');

    const back = await bytes((await openEvidence(t, doc, r.original.id)).stream);
    expect(back.equals(photo)).toBe(true);
    const clean = await bytes((await openEvidence(t, doc, r.stripped!.id)).stream);
    const meta = await sharp(clean).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.width).toBe(64);
    expect(clean.includes(Buffer.from('TestPhone'))).toBe(false);
    expect(createHash('sha256').update(clean).digest('hex')).toBe(r.stripped!.sha256);

    // On disk: neither the picture nor its metadata in the clear.
    const dir = join(t.dataDir, 'evidence', org);
    for (const f of readdirSync(dir)) {
      const disk = readFileSync(join(dir, f));
      expect(disk.includes(Buffer.from('TestPhone'))).toBe(false);
      expect(disk.includes(photo.subarray(0, 200))).toBe(false);
    }
  });

  it('records the chain of custody: added, viewed, downloaded', async () => {
    const r = await uploadEvidence(t, doc, incidentId, Readable.from([Buffer.from('Testimonio escrito.\nLínea 2.\n')]), { originalName: 'nota.txt' });
    expect(r.original.mediaType).toBe('text/plain');
    expect(r.stripped).toBeNull();
    await bytes((await openEvidence(t, doc, r.original.id)).stream);
    const g = await getEvidence(t, doc, r.original.id);
    expect(g.custody.map((c) => c.action)).toEqual(['record.create', 'evidence.download', 'evidence.view']);
    expect(g.custody[0]!.userName).toBe('Test user');
  });

  it('refuses types outside the allowlist, oversize files, and leaves no file behind', async () => {
    const dir = join(t.dataDir, 'evidence', org);
    const before = readdirSync(dir).length;
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(5000)]);
    await expect(uploadEvidence(t, doc, incidentId, Readable.from([elf]), { originalName: 'x.jpg' })).rejects.toMatchObject({ code: 'unsupported_media' });
    const big = Buffer.alloc(300_000, 'a');
    await expect(uploadEvidence(t, doc, incidentId, Readable.from([big]), { originalName: 'a.txt' }, 100_000)).rejects.toMatchObject({ code: 'too_large' });
    expect(readdirSync(dir).length).toBe(before);
  });

  it('never lets an original be rewritten, detects a flipped byte, and hides evidence from other organisations', async () => {
    const r = await uploadEvidence(t, doc, incidentId, Readable.from([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')]), { originalName: 'acta.pdf' });
    expect(r.original.mediaType).toBe('application/pdf');
    await expect(sql`UPDATE evidence SET sha256 = ${'0'.repeat(64)} WHERE id = ${r.original.id}`.execute(t.db)).rejects.toThrow(/sealed/);
    const row = await t.db.selectFrom('evidence').select('storage_key').where('id', '=', r.original.id).executeTakeFirstOrThrow();
    const path = join(t.dataDir, 'evidence', org, row.storage_key);
    const { writeFileSync, chmodSync } = await import('node:fs');
    const disk = readFileSync(path);
    disk[disk.length - 20]! ^= 0x40;
    chmodSync(path, 0o600);
    writeFileSync(path, disk);
    await expect(bytes((await openEvidence(t, doc, r.original.id)).stream)).rejects.toThrow();

    const other = await makeUser(t, await makeOrg(t), 'admin');
    const e = await getEvidence(t, other, r.original.id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('not_found');
  });
});
