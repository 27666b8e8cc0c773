/**
 * Several change points by binary segmentation (Killick & Eckley 2014, §2): test the whole series
 * for one change; if found, test each side again, breadth first, until no segment shows a change or
 * `maxChanges` are found. Each test is the bootstrap-calibrated single change-point test at level α,
 * so on a series with a constant rate the chance of reporting any change is α (the first test must
 * reject); after a real change, each further segment carries its own α.
 */
import { detectEscalation, type EscalationOptions, type EscalationResult } from './escalation.stats.js';
import { validateSeries, type Granularity, type SeriesPoint } from './series.schema.js';

export interface SegmentationResult {
  method: 'binary-segmentation-v1';
  status: 'insufficient_data' | 'no_change' | 'change';
  granularity: Granularity;
  /** Changes in time order; indices refer to the whole series. */
  changes: (EscalationResult & { changeIndex: number; changePeriod: string })[];
  /** Constant-rate stretches between the changes. */
  segments: { fromIndex: number; toIndex: number; from: string; to: string; rate: number; total: number }[];
  /** Result of the first (whole-series) test, for its p-value, φ and insufficient-data reason. */
  first: EscalationResult;
}

export function detectChangePoints(
  series: readonly SeriesPoint[],
  options: EscalationOptions & { maxChanges?: number } = {},
): SegmentationResult {
  const v = validateSeries(series);
  const maxChanges = options.maxChanges ?? 3;
  const seed = options.seed ?? 20201101;
  const first = detectEscalation(series, options);
  const changes: SegmentationResult['changes'] = [];
  const queue: [number, number, EscalationResult][] = [[0, v.counts.length, first]];
  while (queue.length && changes.length < maxChanges) {
    const [from, to, r] = queue.shift()!;
    if (r.status !== 'change' || r.changeIndex === null) continue;
    const at = from + r.changeIndex;
    const shift = (i: number): number => from + i;
    changes.push({
      ...r,
      changeIndex: at,
      changePeriod: v.periods[at]!,
      changeInterval: r.changeInterval && {
        ...r.changeInterval,
        fromIndex: shift(r.changeInterval.fromIndex),
        toIndex: shift(r.changeInterval.toIndex),
      },
    });
    for (const [a, b] of [
      [from, at],
      [at, to],
    ] as const) {
      const sub = series.slice(a, b);
      queue.push([a, b, detectEscalation(sub, { ...options, seed: seed + 7919 * a + b })]);
    }
  }
  changes.sort((x, y) => x.changeIndex - y.changeIndex);
  const cuts = [0, ...changes.map((c) => c.changeIndex), v.counts.length];
  const segments: SegmentationResult['segments'] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i]!;
    const b = cuts[i + 1]!;
    if (b <= a) continue;
    const total = v.counts.slice(a, b).reduce((s, c) => s + c, 0);
    const exposure = v.exposure.slice(a, b).reduce((s, c) => s + c, 0);
    segments.push({ fromIndex: a, toIndex: b - 1, from: v.periods[a]!, to: v.periods[b - 1]!, rate: total / exposure, total });
  }
  return {
    method: 'binary-segmentation-v1',
    status: first.status === 'insufficient_data' ? 'insufficient_data' : changes.length ? 'change' : 'no_change',
    granularity: v.granularity,
    changes,
    segments,
    first,
  };
}
