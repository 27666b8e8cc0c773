/**
 * Linkage pages: the list of runs with the form to start one, and a run's page (figures, the count of
 * distinct attacks beside the raw records, and the groups to review side by side with their reasons).
 * Every act is shown as the viewer may see it (partner view): withheld fields say "not shared".
 */
// Types of the platform face of linkage (src/linkage/platform/index.ts).
import type { ClusterView, DistinctCounts, MemberDetail, RunDetail, RunSummary } from '../../linkage/platform/index.js';
import { ChartFigure } from '../analysis/chart-figure.js';
import type { RenderedChart } from '../charts/index.js';
import { dateTimeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { subdivisionName, isSubdivision } from '../../vocab/places.js';


const fmt = (lang: string, x: number, digits = 3) => new Intl.NumberFormat(lang === 'es' ? 'es-VE' : 'en-GB', { maximumFractionDigits: digits }).format(x);

function placeOf(code: string | null, lang: 'es' | 'en'): string {
  return code && isSubdivision(code) ? subdivisionName(code, lang) : (code ?? '—');
}

function Flash(props: { text?: string }) {
  return props.text ? (
    <p class="flash" role="status">
      {props.text}
    </p>
  ) : null;
}

export function LinkageIndexPage(props: { pc: PageContext; runs: RunSummary[]; defaultConfig: string; canRun: boolean; error?: string }) {
  const { pc, runs } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('linkplatform:title')} wide>
      <h1>{t('linkplatform:title')}</h1>
      <p>{t('linkplatform:intro')}</p>
      <p class="hint">{t('linkplatform:privacy')}</p>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <h2>{t('linkplatform:runs_title')}</h2>
      {runs.length ? (
        <p>
          <a href="/estimate">{t('estimateui:title')}</a>
        </p>
      ) : null}
      {runs.length === 0 ? (
        <p>{t('linkplatform:no_runs')}</p>
      ) : (
        <div class="table-wrap" tabindex={0} role="region" aria-label={t('linkplatform:runs_title')}>
          <table>
            <caption class="visually-hidden">{t('linkplatform:runs_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('linkplatform:col.date')}</th>
                <th scope="col">{t('linkplatform:col.records')}</th>
                <th scope="col">{t('linkplatform:col.organisations')}</th>
                <th scope="col">{t('linkplatform:col.pairs')}</th>
                <th scope="col">{t('linkplatform:col.above')}</th>
                <th scope="col">{t('linkplatform:col.clusters')}</th>
                <th scope="col">{t('linkplatform:col.review')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/linkage/runs/${r.id}`}>{dateTimeLabel(r.createdAt, pc.lang, pc.timeZone)}</a>
                  </th>
                  <td>{r.recordCount}</td>
                  <td>{r.organisationCount}</td>
                  <td>{r.candidatePairs}</td>
                  <td>{r.pairsAbove}</td>
                  <td>{r.clusterCount}</td>
                  <td>{t('linkplatform:review_state', { confirmed: r.confirmed, split: r.split, proposed: r.proposed })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.canRun ? (
        <>
          <h2>{t('linkplatform:new_run')}</h2>
          <form method="post" action="/linkage/runs">
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <details>
              <summary>{t('linkplatform:config_label')}</summary>
              <p class="hint" id="config-hint">
                {t('linkplatform:config_hint')}
              </p>
              <label for="config">{t('linkplatform:config_label')}</label>
              <textarea id="config" name="config" rows={18} cols={80} aria-describedby="config-hint" spellcheck={false}>
                {props.defaultConfig}
              </textarea>
            </details>
            <p>
              <button type="submit">{t('linkplatform:run_button')}</button>
            </p>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

function MemberTable(props: { pc: PageContext; cluster: ClusterView; details: Map<string, MemberDetail>; canReview: boolean; formId: string }) {
  const { pc, cluster } = props;
  const { t } = pc;
  const lang = pc.lang;
  const shown = (d: MemberDetail | undefined, which: 'act' | 'victim', field: string, render: (v: unknown) => string) => {
    const rec = d?.[which];
    if (!rec) return '—';
    const withheld = Array.isArray(rec.withheld) && (rec.withheld as string[]).includes(field);
    if (withheld || !(field in rec)) return t('linkplatform:withheld');
    const v = rec[field];
    return v === null || v === undefined || v === '' ? '—' : render(v);
  };
  const rows: { label: string; cell: (m: ClusterView['members'][number], d: MemberDetail | undefined) => string }[] = [
    { label: t('linkplatform:field.incident'), cell: (_m, d) => d?.incidentTitle ?? '—' },
    { label: t('linkplatform:field.act_type'), cell: (m) => vocabLabel('act_type', m.actType, lang) },
    { label: t('linkplatform:field.date'), cell: (m) => m.date ?? '—' },
    { label: t('linkplatform:field.place'), cell: (m) => placeOf(m.subdivision, lang) },
    { label: t('linkplatform:field.victim_kind'), cell: (_m, d) => shown(d, 'victim', 'kind', (v) => t(`linkplatform:kind.${String(v)}`, { defaultValue: String(v) })) },
    { label: t('linkplatform:field.group_size'), cell: (_m, d) => shown(d, 'victim', 'groupSize', (v) => String(v)) },
    {
      label: t('linkplatform:field.sectors'),
      cell: (_m, d) => shown(d, 'victim', 'sectors', (v) => (Array.isArray(v) && v.length ? v.map((s) => vocabLabel('defender_sector', s, lang)).join(', ') : '—')),
    },
    { label: t('linkplatform:field.victim_name'), cell: (_m, d) => shown(d, 'victim', 'name', (v) => String(v)) },
  ];
  return (
    <div class="table-wrap" tabindex={0} role="region" aria-label={`${t('linkplatform:side_by_side')}: ${cluster.members.map((m) => m.organisationName).join(', ')}`}>
      <table>
        <caption>{t('linkplatform:side_by_side')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('linkplatform:field.organisation')}</th>
            {cluster.members.map((m) => (
              <th scope="col">{m.organisationName}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <th scope="row">{r.label}</th>
              {cluster.members.map((m) => {
                const d = props.details.get(m.actId);
                return <td>{d && !d.act ? t('linkplatform:not_visible') : r.cell(m, d)}</td>;
              })}
            </tr>
          ))}
          {props.canReview && cluster.status === 'proposed' ? (
            <tr>
              <th scope="row">{t('linkplatform:field.keep')}</th>
              {cluster.members.map((m) => (
                <td>
                  <input
                    type="checkbox"
                    form={props.formId}
                    name="keep"
                    value={String(m.recordIdx)}
                    id={`${props.formId}-keep-${m.recordIdx}`}
                    aria-label={`${t('linkplatform:field.keep')}: ${m.organisationName}`}
                    checked
                  />
                </td>
              ))}
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function Reasons(props: { pc: PageContext; cluster: ClusterView }) {
  const { pc, cluster } = props;
  const { t } = pc;
  const orgOf = new Map(cluster.members.map((m) => [m.recordIdx, m.organisationName]));
  return (
    <details>
      <summary>{t('linkplatform:reasons')}</summary>
      {cluster.pairs.map((p) => (
        <div class="table-wrap" tabindex={0} role="region" aria-label={t('linkplatform:pair', { a: orgOf.get(p.left) ?? '', b: orgOf.get(p.right) ?? '', p: fmt(pc.lang, p.probability), w: fmt(pc.lang, p.weight, 2) })}>
          <table>
            <caption>
              {t('linkplatform:pair', { a: orgOf.get(p.left) ?? '', b: orgOf.get(p.right) ?? '', p: fmt(pc.lang, p.probability), w: fmt(pc.lang, p.weight, 2) })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('linkplatform:comparison')}</th>
                <th scope="col">{t('linkplatform:level')}</th>
                <th scope="col">{t('linkplatform:weight')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('linkplatform:prior')}</th>
                <td>—</td>
                <td>{fmt(pc.lang, p.explanation.priorWeight, 2)}</td>
              </tr>
              {p.explanation.comparisons.map((c) => (
                <tr>
                  <th scope="row">{c.name}</th>
                  <td>{c.level}</td>
                  <td>{fmt(pc.lang, c.weight + c.tfAdjustment, 2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </details>
  );
}

export function LinkageRunPage(props: {
  pc: PageContext;
  run: RunDetail;
  counts: DistinctCounts;
  chart: RenderedChart | null;
  details: Map<string, MemberDetail>;
  canReview: boolean;
  flash?: string;
}) {
  const { pc, run, counts } = props;
  const { t } = pc;
  const lang = pc.lang;
  const title = t('linkplatform:run_title', { date: dateTimeLabel(run.createdAt, lang, pc.timeZone) });
  const figures: [string, string][] = [
    [t('linkplatform:fig.records'), String(run.recordCount)],
    [t('linkplatform:fig.organisations'), String(run.organisationCount)],
    [t('linkplatform:fig.names'), String(run.namesCompared)],
    [t('linkplatform:fig.candidates'), String(run.candidatePairs)],
    [t('linkplatform:fig.iterations'), String(run.emIterations)],
    [t('linkplatform:fig.above', { threshold: run.threshold }), String(run.pairsAbove)],
    [t('linkplatform:fig.clusters'), String(run.clusterCount)],
    [t('linkplatform:fig.precision'), `${fmt(lang, run.figures.precision)} · ${fmt(lang, run.figures.recall)}`],
    [t('linkplatform:fig.engine'), run.engineVersion],
    // The first 64 bits identify the input well enough on a page; the full hash is stored with the run.
    [t('linkplatform:fig.hash'), `${run.inputHash.slice(0, 16)}…`],
  ];
  return (
    <Layout pc={pc} title={title} wide>
      <h1>{title}</h1>
      <Flash text={props.flash} />
      <p class="hint">{t('linkplatform:privacy')}</p>
      <h2>{t('linkplatform:figures_title')}</h2>
      <dl class="figures">
        {figures.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h3>{t('linkplatform:explain.title')}</h3>
      <ul class="glossary">
        {(['candidates', 'iterations', 'threshold', 'precision', 'recall', 'weight', 'prior'] as const).map((k) => (
          <li>{t(`linkplatform:explain.${k}`)}</li>
        ))}
      </ul>
      <details>
        <summary>{t('linkplatform:config_used')}</summary>
        <pre>{JSON.stringify(run.config, null, 2)}</pre>
      </details>
      <p>
        <a href={`/estimate?run=${run.id}`}>{t('linkplatform:estimate_link')}</a>
      </p>

      <h2 id="counting">{t('linkplatform:counting_title')}</h2>
      <p>{t('linkplatform:counting_intro')}</p>
      <p>{t('linkplatform:totals', counts.totals)}</p>
      {counts.withoutMonth.records ? <p>{t('linkplatform:without_month', counts.withoutMonth)}</p> : null}
      {props.chart ? <ChartFigure pc={pc} chart={props.chart} id="distinct-chart" /> : null}
      <div class="table-wrap" tabindex={0} role="region" aria-label={t('linkplatform:chart_title')}>
        <table id="distinct-table">
          <caption>{t('linkplatform:chart_title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('linkplatform:month')}</th>
              <th scope="col">{t('linkplatform:series_records')}</th>
              <th scope="col">{t('linkplatform:series_attacks')}</th>
              <th scope="col">{t('linkplatform:multi')}</th>
              <th scope="col">{t('linkplatform:max_orgs')}</th>
            </tr>
          </thead>
          <tbody>
            {counts.months
              .filter((m) => m.records > 0)
              .map((m) => (
                <tr>
                  <th scope="row">{m.period}</th>
                  <td>{m.records}</td>
                  <td>{m.attacks}</td>
                  <td>{m.multiDocumented}</td>
                  <td>{m.maxOrganisations}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
      {counts.confirmed.length ? (
        <>
          <h3>{t('linkplatform:confirmed_title')}</h3>
          <ul class="confirmed-attacks">
            {counts.confirmed.map((c) => (
              <li>
                {t('linkplatform:documented_by', {
                  what: vocabLabel('act_type', c.actType, lang),
                  when: c.date ?? '—',
                  where: placeOf(c.subdivision, lang),
                  count: c.organisations.length,
                  orgs: c.organisations.join(', '),
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="clusters">{t('linkplatform:clusters_title')}</h2>
      {run.clusters.length === 0 ? <p>{t('linkplatform:no_clusters')}</p> : null}
      {run.clusters.map((c, n) => {
        const formId = `review-${c.id}`;
        return (
          <section class="cluster" id={`cluster-${c.id}`} aria-labelledby={`${formId}-h`}>
            <h3 id={`${formId}-h`}>
              {t('linkplatform:cluster_heading', { n: n + 1, count: c.members.length, p: fmt(lang, c.minProbability) })} ·{' '}
              <span class={`status status-${c.status}`}>{t(`linkplatform:status.${c.status}`)}</span>
            </h3>
            <MemberTable pc={pc} cluster={c} details={props.details} canReview={props.canReview} formId={formId} />
            <Reasons pc={pc} cluster={c} />
            {props.canReview && c.status === 'proposed' ? (
              <form method="post" action={`/linkage/runs/${run.id}/clusters/${c.id}`} id={formId}>
                <input type="hidden" name="_csrf" value={pc.csrf} />
                <input type="hidden" name="version" value={String(c.version)} />
                <p class="hint">{t('linkplatform:review_hint')}</p>
                <p>
                  <button type="submit" name="decision" value="confirm">
                    {t('linkplatform:confirm')}
                  </button>{' '}
                  <button type="submit" name="decision" value="split" class="secondary">
                    {t('linkplatform:split')}
                  </button>
                </p>
              </form>
            ) : null}
          </section>
        );
      })}
    </Layout>
  );
}
