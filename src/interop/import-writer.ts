/** Queues the rows of new incidents (with their victims, acts and involvements) and bulk-writes them. */
import { randomBytes } from 'node:crypto';
import type { Ctx } from '../access/index.js';
import { insertWordRows, wordIndexRows, type Who, type WordRow } from '../records/index.js';
import { toStored } from '../shared/dates.js';
import { canonicalJson, type DB } from '../store/index.js';
import type { ImportProfile } from './import-profile.js';
import { bulkInsertRecords, upsertKeys, type TableTypes } from './import.queries.js';
import type { MappedAct, MappedIncident } from './map-row.js';

export function incidentColumns(m: MappedIncident, narrativeEnc: Buffer | null): Record<string, unknown> {
  const s = m.startDate ? toStored(m.startDate) : null;
  const e = m.endDate ? toStored(m.endDate) : null;
  return {
    title: m.title,
    narrative: narrativeEnc ? null : m.narrative,
    narrative_enc: narrativeEnc,
    narrative_sensitive: narrativeEnc !== null,
    start_date: s?.date ?? null,
    start_precision: s?.precision ?? null,
    start_approximate: m.startApproximate,
    end_date: e?.date ?? null,
    end_precision: e?.precision ?? null,
    end_approximate: m.endApproximate,
    country: m.country,
    subdivision: m.subdivision,
    place_name: m.placeName,
    status: m.status,
    visibility: m.visibility,
    language: m.language,
  };
}

/** What a new incident adds besides itself: victims (one per distinct victim, as addActs makes them), acts and perpetrator links. */
export function contentCounts(content: { acts: MappedAct[] }): { victims: number; acts: number; perpetratorLinks: number } {
  const victims = new Set(content.acts.map((a) => canonicalJson(a.victim)));
  return { victims: victims.size, acts: content.acts.length, perpetratorLinks: content.acts.reduce((n, a) => n + a.perpetratorTypes.length, 0) };
}

/**
 * Record ids as newId makes them (random UUID v4), cut from one larger random buffer: an import
 * makes millions of ids and one randomBytes call per id was a tenth of its time.
 */
class IdPool {
  private buf = Buffer.alloc(0);
  private at = 0;
  next(): string {
    if (this.at + 16 > this.buf.length) {
      this.buf = randomBytes(16 * 4096);
      this.at = 0;
    }
    const b = this.buf.subarray(this.at, this.at + 16);
    this.at += 16;
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

export class Writer {
  incidents: Record<string, unknown>[] = [];
  actors: Record<string, unknown>[] = [];
  acts: Record<string, unknown>[] = [];
  involvements: Record<string, unknown>[] = [];
  keys: { bidx: Buffer; incidentId: string; hash: string; externalIdEnc: Buffer | null }[] = [];
  words: WordRow[] = [];
  private ids = new IdPool();
  constructor(
    private ctx: Ctx,
    private trx: DB,
    private w: Who,
    private profile: ImportProfile,
    private types: Record<'incident' | 'actor' | 'act' | 'involvement', TableTypes>,
  ) {}

  /** Rows queued and not yet written: the apply flushes before this grows past its batch. */
  get queued(): number {
    return this.incidents.length + this.actors.length + this.acts.length + this.involvements.length;
  }

  base(id: string) {
    return { organisation_id: this.w.organisationId, id, created_by: this.w.userId, updated_by: this.w.userId };
  }

  async actorValues(id: string, v: MappedAct['victim']) {
    const org = this.w.organisationId;
    return {
      ...this.base(id),
      kind: v.kind,
      name_enc: await this.ctx.keys.encrypt(this.trx, org, `actor.name_enc:${id}`, v.name),
      name_bidx: await this.ctx.keys.blindIndex(this.trx, org, v.name),
      gender: v.gender,
      sectors: v.sectors,
    };
  }

  /** An act's columns; its notes are encrypted (they can name or locate a person). */
  async actValues(id: string, incidentId: string, victimId: string, inc: MappedIncident, a: MappedAct) {
    const s = inc.startDate ? toStored(inc.startDate) : null;
    const e = inc.endDate ? toStored(inc.endDate) : null;
    return {
      ...this.base(id),
      incident_id: incidentId,
      victim_id: victimId,
      act_type: a.actType,
      start_date: s?.date ?? null,
      start_precision: s?.precision ?? null,
      start_approximate: inc.startApproximate,
      end_date: e?.date ?? null,
      end_precision: e?.precision ?? null,
      end_approximate: inc.endApproximate,
      country: inc.country,
      subdivision: inc.subdivision,
      notes_enc: a.notes ? await this.ctx.keys.encrypt(this.trx, this.w.organisationId, `act.notes_enc:${id}`, a.notes) : null,
    };
  }

  async narrative(id: string, m: MappedIncident): Promise<Buffer | null> {
    if (!m.narrative || !this.profile.defaults.narrativeSensitive) return null;
    // Its whole words go to the keyed word index (records/word-index.ts), written with the batch.
    this.words.push(...(await wordIndexRows(this.ctx, this.trx, this.w.organisationId, id, m.narrative)));
    return this.ctx.keys.encrypt(this.trx, this.w.organisationId, `incident.narrative_enc:${id}`, m.narrative);
  }

  /** Queues a new incident with its victims, acts and perpetrator involvements. */
  async addNew(content: { incident: MappedIncident; acts: MappedAct[] }, bidx: Buffer, hash: string, externalIdEnc: Buffer | null) {
    const id = this.ids.next();
    this.incidents.push({ ...this.base(id), ...incidentColumns(content.incident, await this.narrative(id, content.incident)) });
    await this.addActs(id, content.incident, content.acts);
    this.keys.push({ bidx, incidentId: id, hash, externalIdEnc });
  }

  async addActs(incidentId: string, inc: MappedIncident, acts: MappedAct[]) {
    const victims = new Map<string, string>();
    for (const a of acts) {
      const vk = canonicalJson(a.victim);
      let victimId = victims.get(vk);
      if (!victimId) {
        victimId = this.ids.next();
        victims.set(vk, victimId);
        this.actors.push(await this.actorValues(victimId, a.victim));
      }
      const actId = this.ids.next();
      this.acts.push(await this.actValues(actId, incidentId, victimId, inc, a));
      for (const p of a.perpetratorTypes) this.involvements.push({ ...this.base(this.ids.next()), act_id: actId, perpetrator_type: p });
    }
  }

  /** Takes what is queued (the writer is empty again at once) and writes it. */
  async flush(jobId: string, reason: string) {
    const org = this.w.organisationId;
    const { incidents, actors, acts, involvements, keys } = this;
    this.incidents = [];
    this.actors = [];
    this.acts = [];
    this.involvements = [];
    this.keys = [];
    const words = this.words;
    this.words = [];
    await bulkInsertRecords(this.trx, 'incident', this.types.incident, incidents, this.w.userId, reason);
    await insertWordRows(this.trx, words);
    await bulkInsertRecords(this.trx, 'actor', this.types.actor, actors, this.w.userId, reason);
    await bulkInsertRecords(this.trx, 'act', this.types.act, acts, this.w.userId, reason);
    await bulkInsertRecords(this.trx, 'involvement', this.types.involvement, involvements, this.w.userId, reason);
    await upsertKeys(this.trx, org, this.profile.dataset, jobId, keys);
  }
}
