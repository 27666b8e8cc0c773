/**
 * `npm run bench -- charts [runs] [months]`: milliseconds per rendering of a line chart, a bar chart
 * and each map (ECharts server-side SVG, after a warm-up), and the size of each SVG.
 */
import { renderBarChart, renderTimeSeriesChart } from '../src/ui/charts/index.js';
import { regionCodes, renderChoroplethMap } from '../src/ui/maps/index.js';

function measure(name: string, runs: number, render: () => { svg: string }): void {
  render(); // warm-up: module state, map registration, JIT
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    size = render().svg.length;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  console.log(
    `${name.padEnd(34)} median ${median.toFixed(1).padStart(6)} ms  mean ${mean.toFixed(1).padStart(6)} ms  ` +
      `max ${times[times.length - 1]!.toFixed(1).padStart(6)} ms  size ${(size / 1024).toFixed(1).padStart(6)} KB`,
  );
}

export default async function (args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 30);
  const months = Number(args[1] ?? 60);
  const periods = Array.from(
    { length: months },
    (_, i) => `${2015 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
  );
  const wave = (s: number) =>
    periods.map((_, i) => Math.round(20 + s + 10 * Math.sin(i / 3 + s) + (i > months / 2 ? 15 : 0)));
  console.log(`charts: ${runs} runs each, ${months} monthly periods (Node ${process.version})`);
  measure(`line chart, 1 series`, runs, () =>
    renderTimeSeriesChart({
      lang: 'es',
      title: 'Ataques por mes',
      granularity: 'month',
      periods,
      series: [{ name: 'Actos', values: wave(0) }],
    }),
  );
  measure(`line chart, 4 series + change point`, runs, () =>
    renderTimeSeriesChart({
      lang: 'es',
      title: 'Ataques por mes y tipo',
      granularity: 'month',
      periods,
      series: [0, 1, 2, 3].map((s) => ({ name: `Tipo ${s}`, values: wave(s) })),
      changePoint: { period: periods[Math.floor(months / 2)]!, before: 20, after: 35 },
    }),
  );
  measure(`bar chart, 12 categories`, runs, () =>
    renderBarChart({
      lang: 'es',
      title: 'Actos por tipo',
      order: 'desc',
      categories: Array.from({ length: 12 }, (_, i) => ({
        label: `Categoría ${i + 1}`,
        value: (i * 37) % 100,
      })),
    }),
  );
  const ve = regionCodes('ve');
  measure(`map Venezuela, 25 states`, runs, () =>
    renderChoroplethMap({
      lang: 'es',
      title: 'Ataques por estado',
      map: 've',
      values: ve.map((code, i) => ({ code, value: (i * 13) % 60 })),
    }),
  );
  const world = regionCodes('world');
  measure(`map world, ${world.length} countries`, runs, () =>
    renderChoroplethMap({
      lang: 'en',
      title: 'Attacks by country',
      map: 'world',
      values: world.filter((_, i) => i % 2 === 0).map((code, i) => ({ code, value: (i * 7) % 90 })),
    }),
  );
}
