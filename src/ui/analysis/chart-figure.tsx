/** A chart or map as a figure: the SVG inline, its description, the data table and downloads. */
import { raw } from 'hono/html';
import type { RenderedChart } from '../charts/index.js';
import type { PageContext } from '../page-context.js';

export function ChartFigure(props: { pc: PageContext; chart: RenderedChart; id: string; svgHref?: string; csvHref?: string; caption?: string }) {
  const { pc, chart } = props;
  const { t } = pc;
  return (
    <figure class="chart-figure" aria-labelledby={`${props.id}-title`}>
      <figcaption id={`${props.id}-title`} class="visually-hidden">
        <strong>{chart.title}</strong>
      </figcaption>
      <div class="chart-svg" tabindex={0} role="region" aria-label={chart.title}>
        {raw(chart.svg)}
      </div>
      <p id={`${props.id}-desc`} class="chart-desc">
        {chart.description}
      </p>
      {props.caption ? <p class="hint">{props.caption}</p> : null}
      {props.svgHref || props.csvHref ? (
        <p class="downloads">
          {props.svgHref ? (
            <a href={props.svgHref} download>
              {t('analysis:page.download_svg')}
            </a>
          ) : null}
          {props.svgHref && props.csvHref ? ' · ' : null}
          {props.csvHref ? (
            <a href={props.csvHref} download>
              {t('analysis:page.download_csv')}
            </a>
          ) : null}
        </p>
      ) : null}
      <details>
        <summary>{t('analysis:page.data_table')}</summary>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{chart.title}</caption>
            <thead>
              <tr>
                {chart.table.columns.map((c) => (
                  <th scope="col">{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {chart.table.rows.map((r) => (
                <tr>
                  {r.map((c, i) => (i === 0 ? <th scope="row">{String(c)}</th> : <td>{String(c)}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
