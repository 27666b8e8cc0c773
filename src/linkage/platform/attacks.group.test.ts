/** Counting once, as a property: every record is in exactly one attack; a confirmed cluster is one. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupAttacks, type RunRecord } from './index.js';

const recordArb = fc.record({
  org: fc.constantFrom('A', 'B', 'C', 'D'),
  date: fc.option(fc.constantFrom('2021', '2021-03', '2021-03-14', '2020-12-01', '2022-07'), { nil: null }),
  type: fc.constantFrom('detention', 'threat', 'raid'),
});

describe('groupAttacks', () => {
  it('partitions the records: attacks = records − Σ(cluster size − 1), organisations are the members’', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat({ max: 5 }), { maxLength: 40 }), (rows, assign) => {
        const records: RunRecord[] = rows.map((r, idx) => ({ idx, member_organisation_id: r.org, act_id: `act-${idx}`, act_date: r.date, act_type: r.type, subdivision: 'VE-K' }));
        // Records assigned a cluster number 1..5 belong to that confirmed cluster; 0 = unlinked.
        const clusterOf = new Map<number, string>();
        assign.forEach((c, idx) => {
          if (c > 0 && idx < records.length) clusterOf.set(idx, `cluster-${c}`);
        });
        const attacks = groupAttacks(records, clusterOf);
        const sizes = new Map<string, number>();
        for (const c of clusterOf.values()) sizes.set(c, (sizes.get(c) ?? 0) + 1);
        let merged = 0;
        for (const n of sizes.values()) merged += n - 1;
        expect(attacks.length).toBe(records.length - merged);
        expect(attacks.reduce((s, a) => s + a.acts, 0)).toBe(records.length);
        for (const a of attacks) {
          const members = records.filter((r) => (clusterOf.get(r.idx) ?? r.act_id) === a.key);
          expect(new Set(a.organisations)).toEqual(new Set(members.map((m) => m.member_organisation_id)));
          expect(a.confirmed).toBe(clusterOf.has(members[0]!.idx));
          // Dated by a member's date: the earliest, or a more precise date inside a coarser earliest one.
          const dates = members.map((m) => m.act_date).filter((d): d is string => d !== null);
          if (dates.length === 0) expect(a.date).toBeNull();
          else {
            expect(dates).toContain(a.date);
            for (const d of dates) expect(d >= a.date! || a.date!.startsWith(d)).toBe(true);
          }
        }
      }),
    );
  });

  it('counts the same detention by three organisations once, with three organisations', () => {
    const records: RunRecord[] = ['A', 'B', 'C'].map((o, idx) => ({ idx, member_organisation_id: o, act_id: `a${idx}`, act_date: idx === 1 ? '2021-03' : `2021-03-1${idx}`, act_type: 'detention', subdivision: 'VE-K' }));
    records.push({ idx: 3, member_organisation_id: 'A', act_id: 'a3', act_date: '2021-04-02', act_type: 'threat', subdivision: 'VE-A' });
    const attacks = groupAttacks(records, new Map([[0, 'c'], [1, 'c'], [2, 'c']]));
    expect(attacks).toHaveLength(2);
    // 2021-03-10 is inside 2021-03 and more precise: the attack keeps the day.
    expect(attacks[0]).toMatchObject({ key: 'c', confirmed: true, acts: 3, date: '2021-03-10' });
    expect(attacks[0]!.organisations.sort()).toEqual(['A', 'B', 'C']);
  });
});
