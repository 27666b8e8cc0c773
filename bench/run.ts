/**
 * `npm run bench -- NAME [args]` runs bench/NAME.bench.ts; with no name it lists them.
 * Each benchmark prints its own figures and ratios; none of them gates CI.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.log(`Benchmarks: ${available.join(', ')}\nRun one with: npm run bench -- NAME`);
  process.exit(0);
}
if (!available.includes(name)) {
  console.error(`Unknown benchmark "${name}". Available: ${available.join(', ')}`);
  process.exit(2);
}
const mod = (await import(`./${name}.bench.ts`)) as { default: (args: string[]) => Promise<void> };
await mod.default(args);
process.exit(0);
