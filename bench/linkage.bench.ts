/**
 * Record linkage accuracy and speed on synthetic corrupted duplicates with known truth.
 *   npm run bench -- linkage [--records 100000 | --link 5000] [--dup 0.2] [--seed 7] [--threshold 0.9]
 * Prints precision, recall and F1 (pairs at the threshold, and clusters), the model's own estimate
 * of precision and recall, blocking recall, pairs compared per second and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { resourceUsage } from 'node:process';
import {
  countTruePairs,
  forEachCandidatePair,
  generateSynthetic,
  planLinkage,
  runLinkage,
  scoreClusters,
  scorePairs,
  syntheticLinkConfig,
} from '../src/linkage/index.js';

function arg(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  const v = k >= 0 ? Number(args[k + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

const fmt = (x: number, d = 3): string => x.toFixed(d);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export default async function linkageBench(args: string[]): Promise<void> {
  // --link N: a link of two files of about N records each (the 5,000 × 5,000 yardstick):
  // each person's first record goes to A or B in turn and their duplicates to the other file, so
  // true pairs are those across the files.
  const linkSide = arg(args, 'link', 0);
  const n = linkSide > 0 ? 2 * linkSide : arg(args, 'records', 100_000);
  const dup = arg(args, 'dup', 0.2);
  const seed = arg(args, 'seed', 7);
  const threshold = arg(args, 'threshold', 0.9);
  console.log(`linkage bench: ${n} records, ${dup * 100}% duplicates, seed ${seed}, threshold ${threshold}`);

  let t = performance.now();
  const data = generateSynthetic({ records: n, duplicates: dup, seed });
  if (linkSide > 0) {
    const sideOf = new Map<number, number>();
    let turn = 0;
    const sides = [0, 0];
    data.records = data.records.map((r, i) => {
      const e = data.entity[i]!;
      let side = sideOf.get(e);
      if (side === undefined) sideOf.set(e, (side = turn++ % 2));
      else side = 1 - side;
      sides[side]!++;
      return { ...r, source: side === 0 ? 'A' : 'B' };
    });
    console.log(`link mode          file A ${sides[0]} records, file B ${sides[1]} records`);
  }
  console.log(`generate           ${fmt((performance.now() - t) / 1000, 1)} s`);
  const config = syntheticLinkConfig({ threshold }, { records: n });

  t = performance.now();
  const result = runLinkage(data.records, config);
  const total = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage();
  // Peak so far: data generation and the linkage run, before this bench's own evaluation (which
  // derives the blocking keys again for the blocking recall, and scores five thresholds).
  const rssAfterRun = resourceUsage().maxRSS * 1024;
  const truePairs = linkSide > 0 ? crossSourcePairs(data.records, data.entity) : countTruePairs(data.entity);

  for (const r of result.rules) console.log(`rule ${r.name.padEnd(18)} ${r.pairs} pairs (${r.newPairs} new)`);
  console.log(`candidate pairs    ${result.candidatePairs}`);
  for (const s of result.model.sessions) {
    console.log(`EM ${s.rule.padEnd(20)} ${s.pairs} pairs, ${s.iterations} iterations${s.converged ? '' : ' (not converged)'}`);
  }
  console.log(`lambda             ${result.model.lambda.toExponential(3)} (prior weight ${fmt(result.model.priorWeight, 2)})`);
  console.log(
    `u                  ${result.model.uSampledPairs} pairs compared (cap ${result.config.uSamplePairs}); ` +
      Object.entries(result.model.uMethod)
        .map(([c, m]) => `${c}: ${m}`)
        .join(', '),
  );

  // Blocking recall: true pairs that any rule proposes.
  const { plan, mode } = planLinkage(data.records, config);
  let inBlocks = 0;
  forEachCandidatePair(data.records, plan, mode, (i, j) => {
    if (data.entity[i] === data.entity[j]) inBlocks++;
  });

  const left: number[] = [];
  const right: number[] = [];
  for (let k = 0; k < result.pairs.length; k++) {
    if (result.pairs.probability[k]! >= threshold) {
      left.push(result.pairs.left[k]!);
      right.push(result.pairs.right[k]!);
    }
  }
  const pairwise = scorePairs(left, right, data.entity, truePairs);
  // The same model at other thresholds (the CLI user picks one; this shows the trade-off).
  const sweep = [0.5, 0.8, 0.95, 0.99].map((th) => {
    const l: number[] = [];
    const r: number[] = [];
    for (let k = 0; k < result.pairs.length; k++) {
      if (result.pairs.probability[k]! >= th) {
        l.push(result.pairs.left[k]!);
        r.push(result.pairs.right[k]!);
      }
    }
    const s = scorePairs(l, r, data.entity, truePairs);
    return `${th}: P ${fmt(s.precision)} R ${fmt(s.recall)} F1 ${fmt(s.f1)}`;
  });
  const clusters = scoreClusters(result.clusterOf, data.entity, truePairs);
  console.log(`true pairs         ${truePairs}; proposed by blocking ${inBlocks} (blocking recall ${fmt(inBlocks / truePairs)})`);
  console.log(
    `pairs >= threshold precision ${fmt(pairwise.precision)} recall ${fmt(pairwise.recall)} F1 ${fmt(pairwise.f1)} (${pairwise.predicted} pairs)`,
  );
  console.log(`other thresholds   ${sweep.join(' | ')}`);
  console.log(
    `clusters           precision ${fmt(clusters.precision)} recall ${fmt(clusters.recall)} F1 ${fmt(clusters.f1)} (${result.clusterCount} clusters, ${result.cutLinks} links cut)`,
  );
  console.log(
    `model's estimate   precision ${fmt(result.estimate.precision)} recall ${fmt(result.estimate.recall)} (recall among candidates)`,
  );
  const tm = result.timings;
  console.log(
    `time               ${fmt(total, 1)} s: prepare ${fmt(tm.prepare / 1000, 1)}, u sampling ${fmt(tm.sampling / 1000, 1)}, ` +
      `blocking+comparing ${fmt(tm.comparing / 1000, 1)}, EM ${fmt(tm.training / 1000, 1)}, scoring ${fmt(tm.scoring / 1000, 1)}, ` +
      `clustering ${fmt(tm.clustering / 1000, 1)}`,
  );
  const ct = result.cpuTimings;
  const cpuTotal = Object.values(ct).reduce((a, b) => a + b, 0) / 1000;
  console.log(
    `CPU time           ${fmt(cpuTotal, 1)} s: prepare ${fmt(ct.prepare / 1000, 1)}, u sampling ${fmt(ct.sampling / 1000, 1)}, ` +
      `blocking+comparing ${fmt(ct.comparing / 1000, 1)}, EM ${fmt(ct.training / 1000, 1)}, scoring ${fmt(ct.scoring / 1000, 1)}, ` +
      `clustering ${fmt(ct.clustering / 1000, 1)}`,
  );
  console.log(`process CPU time   ${fmt((cpu.user + cpu.system) / 1e6, 1)} s (user+system, whole process so far)`);
  console.log(
    `pairs compared/s   ${Math.round(result.candidatePairs / (tm.comparing / 1000))} per wall second, ` +
      `${Math.round(result.candidatePairs / (ct.comparing / 1000))} per CPU second (one thread)`,
  );
  console.log(
    `peak RSS           ${mb(rssAfterRun)} up to the end of the linkage run (data included); ${mb(resourceUsage().maxRSS * 1024)} with this bench's evaluation; heap used now ${mb(process.memoryUsage().heapUsed)}`,
  );
  for (const w of result.warnings) console.log(`warning            ${w.key} ${JSON.stringify(w.values)}`);
  console.log(recordlinkageLine());
}

/** True pairs of a link: same entity, different files. */
function crossSourcePairs(records: readonly { source: string }[], entity: Int32Array): number {
  const per = new Map<number, Map<string, number>>();
  records.forEach((r, i) => {
    const m = per.get(entity[i]!) ?? new Map<string, number>();
    m.set(r.source, (m.get(r.source) ?? 0) + 1);
    per.set(entity[i]!, m);
  });
  let pairs = 0;
  for (const m of per.values()) {
    let total = 0;
    let same = 0;
    for (const c of m.values()) {
      total += c;
      same += c * c;
    }
    pairs += (total * total - same) / 2;
  }
  return pairs;
}

/**
 * The yardstick is Python's recordlinkage on the same blocking; it is compared only when it
 * is installed, and the bench says so when it is not (no figure is made up).
 */
function recordlinkageLine(): string {
  const r = spawnSync('python3', ['-c', 'import recordlinkage; print(recordlinkage.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return 'recordlinkage      Python recordlinkage is not installed here: no ratio measured (pip install recordlinkage to compare).';
  return `recordlinkage      version ${r.stdout.trim()} installed; the same-blocking comparison is not scripted in this bench yet, so no ratio is printed.`;
}
