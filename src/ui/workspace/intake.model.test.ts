import { describe, expect, it } from 'vitest';
import { applyStep, emptyDraft, validateAll, validateStep } from './intake.model.js';

const t = (k: string) => k;

describe('intake draft', () => {
  it('keeps what was typed even when it is not valid yet, and names the field at fault', () => {
    const d = applyStep(emptyDraft(), 'incident', { title: 'Detención en Zulia', startDate: '2024-13', startDateApprox: 'on', country: 've' });
    expect(d.incident.startDate).toBe('2024-13');
    expect(d.incident.startApproximate).toBe(true);
    expect(d.incident.country).toBe('VE');
    expect(Object.keys(validateStep(d, 'incident', 'es', t))).toEqual(['startDate']);
  });

  it('adds, keeps and removes list rows; blank rows are ignored', () => {
    let d = applyStep(emptyDraft(), 'victims', { rows: '2', v0_name: 'Ana', v0_kind: 'person', v0_sectors: ['lawyers', 'women_defenders'], v1_name: '' });
    expect(d.victims.map((v) => v.name)).toEqual(['Ana']);
    expect(d.victims[0]!.sectors).toEqual(['lawyers', 'women_defenders']);
    const key = d.victims[0]!.key;
    d = applyStep(d, 'victims', { rows: '2', v0_key: key, v0_name: 'Ana', v1_name: 'Colectivo', v1_kind: 'group' });
    expect(d.victims.map((v) => v.name)).toEqual(['Ana', 'Colectivo']);
    expect(d.victims[0]!.key).toBe(key);
    d = applyStep(d, 'victims', { rows: '2', v0_key: key, v0_name: 'Ana', v1_key: d.victims[1]!.key, v1_name: 'Colectivo', remove: '1' });
    expect(d.victims.map((v) => v.name)).toEqual(['Ana']);
  });

  it('asks whether a same-named record is the same person before going on, and remembers the answer', () => {
    let d = applyStep(emptyDraft(), 'victims', { rows: '1', v0_name: 'Ana' });
    d.victims[0]!.matches = [{ id: '6f1c1b1e-8d8a-4c7e-9a53-1d2b3c4d5e6f', kind: 'person', sectors: [], createdAt: new Date().toISOString() }];
    expect(validateStep(d, 'victims', 'es', t)).toHaveProperty('v0_use');
    d = applyStep(d, 'victims', { rows: '1', v0_key: d.victims[0]!.key, v0_name: 'Ana', v0_use: '6f1c1b1e-8d8a-4c7e-9a53-1d2b3c4d5e6f' });
    expect(d.victims[0]!.actorId).toBe('6f1c1b1e-8d8a-4c7e-9a53-1d2b3c4d5e6f');
    expect(validateStep(d, 'victims', 'es', t)).toEqual({});
    // a choice that was not offered is not taken
    d = applyStep(d, 'victims', { rows: '1', v0_key: d.victims[0]!.key, v0_name: 'Ana', v0_use: '00000000-0000-4000-8000-000000000000' });
    expect(d.victims[0]!.actorId).toBeNull();
  });

  it('refuses to save without a title or an act, and acts must point at a victim of the draft', () => {
    const d = emptyDraft();
    expect(validateAll(d, 'es', t)?.step).toBe('incident');
    d.incident.title = 'Allanamiento';
    expect(validateAll(d, 'es', t)?.step).toBe('acts');
    const withAct = applyStep(d, 'acts', { rows: '1', a0_victim: 'nobody', a0_actType: 'raid' });
    expect(validateAll(withAct, 'es', t)?.errors).toHaveProperty('a0_victim');
  });
});
