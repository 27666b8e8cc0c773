import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differing, editSpecs, formKeys, formValues, mergedValues, postedValues, updateInput } from './edit.model.js';

const spec = editSpecs.incident;

describe('edit forms and merges', () => {
  it('round-trips a stored record through the form without changing it', () => {
    const stored = { title: 'Allanamiento', startDate: '2021-11', startApproximate: true, endDate: null, endApproximate: false, country: 'VE', subdivision: 'VE-A', placeName: null, narrative: 'x', narrativeSensitive: false, status: 'open', visibility: 'coalition' };
    const values = formValues(stored, spec);
    // what the browser posts: the date's box is named after the date
    const posted = postedValues({ ...values, startDateApprox: values.startApproximate, startApproximate: undefined }, spec);
    expect(posted).toEqual(values);
    const input = updateInput(posted, spec);
    expect(input).toMatchObject({ title: 'Allanamiento', startDate: '2021-11', startApproximate: true, endDate: null, endApproximate: false, placeName: null, narrativeSensitive: false, visibility: 'coalition' });
  });

  it('merges field by field: yours, the saved value, or another value', () => {
    const yours = { ...formValues({ title: 'A', placeName: 'P1', visibility: 'private' }, spec) };
    const current = { ...formValues({ title: 'B', placeName: 'P2', visibility: 'private' }, spec) };
    expect(differing(yours, current, spec)).toEqual(['title', 'placeName']);
    const body: Record<string, string> = {
      title__pick: 'current', title__yours: 'A', title__current: 'B',
      placeName__pick: 'edit', placeName__yours: 'P1', placeName__current: 'P2', placeName__edit: 'P3',
      visibility: 'private',
    };
    const m = mergedValues(body, spec);
    expect(m.title).toBe('B');
    expect(m.placeName).toBe('P3');
    expect(m.visibility).toBe('private');
  });

  it('never loses a field: every key of the spec comes back from a merge of equal versions', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...formKeys(spec)), fc.string({ maxLength: 20 }).map((s) => s.trim())), (values) => {
        const full = Object.fromEntries(formKeys(spec).map((k) => [k, values[k] ?? '']));
        expect(mergedValues(full, spec)).toEqual(full);
      }),
    );
  });
});
