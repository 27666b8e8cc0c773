/**
 * /estimate: pick a reviewed linkage run, a stratum and the lists; the result shows the documented
 * count first, then the estimates of each method with the chosen model and why, the best models, the
 * warnings and the assumptions, all in the reader's language. Never the estimate instead of the count.
 */
import type { EstimateReport, ModelFit } from '../../estimate/index.js';
// Types of the platform face of linkage (src/linkage/platform/index.ts).
import type { EstimateOutcome, RunSummary } from '../../linkage/platform/index.js';
import { dateTimeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { isSubdivision, subdivisionName } from '../../vocab/places.js';

export interface EstimateForm {
  run: string;
  year: string;
  actType: string;
  state: string;
  method: 'loglinear' | 'all';
  groups: Record<string, string>;
}

export interface StrataChoices {
  years: string[];
  actTypes: string[];
  subdivisions: string[];
  organisations: { id: string; name: string }[];
}

const guidance = ['documented_first', 'closed_population', 'list_dependence', 'heterogeneity', 'linkage', 'definition'];

function num(lang: string, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(lang === 'es' ? 'es-VE' : 'en-GB', { maximumFractionDigits: 0 }).format(x);
}

function Results(props: { pc: PageContext; out: EstimateOutcome; stratumText: string }) {
  const { pc, out } = props;
  const { t } = pc;
  const lang = pc.lang;
  const report = out.report as EstimateReport;
  const patterns = out.table.counts.map((n, x) => ({ x, n })).filter((p) => p.x > 0 && p.n > 0);
  const ll = report.loglinear;
  const upper = (u: number | null) => (u === null || u === undefined || !Number.isFinite(u) ? t('estimateui:no_upper') : num(lang, u));
  return (
    <section aria-labelledby="result-h" id="result">
      <h2 id="result-h">{t('estimateui:result_title')}</h2>
      <p>{t('estimateui:stratum_was', { stratum: props.stratumText })}</p>
      <p class="documented" id="documented">
        <strong>{t('estimateui:documented', { n: out.documented })}</strong>
      </p>
      <p class="hint">{t('estimateui:documented_note')}</p>
      {out.unreviewed > 0 ? <p class="warning">{t('estimateui:unreviewed', { n: out.unreviewed })}</p> : null}
      <div class="table-wrap" tabindex={0} role="region" aria-label={t('estimateui:table_title')}>
        <table>
          <caption>{t('estimateui:table_title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('estimateui:pattern')}</th>
              <th scope="col">{t('estimateui:count')}</th>
            </tr>
          </thead>
          <tbody>
            {patterns.map((p) => (
              <tr>
                <th scope="row">{out.table.lists.filter((_l, j) => p.x & (1 << j)).join(' + ')}</th>
                <td>{p.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.methods.length ? (
        <div class="table-wrap" tabindex={0} role="region" aria-label={t('estimateui:estimates_title', { level: Math.round(report.level * 100) })}>
          <table id="estimates">
            <caption>{t('estimateui:estimates_title', { level: Math.round(report.level * 100) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('estimateui:col_method')}</th>
                <th scope="col">{t('estimateui:col_estimate')}</th>
                <th scope="col">{t('estimateui:col_stderr')}</th>
                <th scope="col">{t('estimateui:col_interval')}</th>
                <th scope="col">{t('estimateui:col_interval_kind')}</th>
                <th scope="col">{t('estimateui:col_model')}</th>
              </tr>
            </thead>
            <tbody>
              {report.methods.map((m) => (
                <tr>
                  <th scope="row">
                    {t(`estimate:cli.method.${m.method}`)}
                    {report.recommended?.method === m.method ? <> ({t('estimateui:recommended_mark')})</> : null}
                  </th>
                  <td>{num(lang, m.estimate)}</td>
                  <td>{m.stderr === null || m.stderr === undefined ? '—' : m.stderr.toFixed(1)}</td>
                  <td>
                    {num(lang, m.lower)} – {upper(m.upper)}
                    {(m.otherIntervals ?? []).map((o) => (
                      <>
                        <br />
                        {t(`estimate:interval_kind.${o.interval}`)}: {num(lang, o.lower)} – {upper(o.upper)}
                      </>
                    ))}
                  </td>
                  {/* Runs stored before intervals were labelled have no kind. */}
                  <td>{m.interval ? t(`estimate:interval_kind.${m.interval}`) : '—'}</td>
                  <td>{m.model ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {report.recommended ? (
        <div id="recommended">
          <p>
            <strong>{t('estimateui:recommended', { method: t(`estimate:cli.method.${report.recommended.method}`) })}</strong>
          </p>
          <ul>
            {report.recommended.reasons.map((r) => (
              <li>{t(`estimate:${r.key}`, r.values)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.toolVersion ? <p class="hint">{t('estimate:cli.provenance', { version: report.toolVersion, hash: report.inputHash })}</p> : null}
      {ll && ll.chosen ? (
        <>
          <p>
            {t('estimate:cli.chosen', {
              model: ll.chosen.name,
              criterion: ll.criterion.toUpperCase(),
              usable: ll.modelsUsable,
              fitted: ll.modelsFitted,
              search: t(`estimate:cli.search.${ll.search}`),
            })}{' '}
            {ll.margin !== null && ll.margin !== undefined ? t('estimate:cli.margin', { margin: ll.margin.toFixed(1), criterion: ll.criterion.toUpperCase() }) : null}
          </p>
          <div class="table-wrap" tabindex={0} role="region" aria-label={t('estimateui:best_title')}>
            <table>
              <caption>{t('estimateui:best_title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('estimateui:col_model')}</th>
                  <th scope="col">{t('estimateui:col_estimate')}</th>
                  <th scope="col">{t('estimateui:col_stderr')}</th>
                  <th scope="col">{t('estimateui:col_interval')}</th>
                  <th scope="col">{t('estimateui:col_deviance')}</th>
                  <th scope="col">AIC</th>
                  <th scope="col">BIC</th>
                  <th scope="col">{t('estimateui:col_weight')}</th>
                </tr>
              </thead>
              <tbody>
                {ll.best.map((m: ModelFit) => (
                  <tr>
                    <th scope="row">{m.name}</th>
                    <td>{num(lang, m.estimate)}</td>
                    <td>{Number.isFinite(m.stderr) ? m.stderr.toFixed(1) : '—'}</td>
                    <td>
                      {num(lang, m.lower)} – {upper(m.upper)}
                    </td>
                    <td>
                      {m.deviance.toFixed(2)} ({m.df})
                    </td>
                    <td>{m.aic.toFixed(1)}</td>
                    <td>{m.bic.toFixed(1)}</td>
                    <td>{m.weight.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {report.lcmcr ? (
        <p>
          {t('estimate:cli.lcmcr_diagnostics', {
            K: report.lcmcr.settings.K,
            burnIn: report.lcmcr.settings.burnIn,
            samples: report.lcmcr.settings.samples,
            thinning: report.lcmcr.settings.thinning,
            a: report.lcmcr.settings.a,
            b: report.lcmcr.settings.b,
            seed: report.lcmcr.settings.seed,
            ess: Math.round(report.lcmcr.effectiveSampleSize),
            geweke: report.lcmcr.geweke.toFixed(2),
            classes: report.lcmcr.classesUsed.toFixed(1),
            speed: Math.round(report.lcmcr.iterationsPerSecond),
          })}
          {report.lcmcr.chains && report.lcmcr.chains.count > 1 ? (
            <>
              {' '}
              {t('estimate:cli.lcmcr_chains', {
                chains: report.lcmcr.chains.count,
                seed: report.lcmcr.settings.seed,
                iterations: report.lcmcr.chains.iterationsPerChain,
                ess: Math.round(report.lcmcr.effectiveSampleSize),
                target: report.lcmcr.chains.targetEss,
                rhat: Number.isFinite(report.lcmcr.chains.rhat) ? report.lcmcr.chains.rhat.toFixed(3) : '—',
                maxRhat: report.lcmcr.chains.maxRhat,
                medians: report.lcmcr.chains.medians.map((m) => Math.round(m)).join(', '),
                verdict: t(`estimate:cli.lcmcr_verdict.${report.lcmcr.chains.converged ? 'converged' : 'cap'}`),
              })}
            </>
          ) : null}
        </p>
      ) : null}
      {report.warnings.length ? (
        <>
          <h3>{t('estimateui:warnings_title')}</h3>
          <ul class="warnings">
            {report.warnings.map((w) => (
              <li>{t(`estimate:${w.key}`, w.values)}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t('estimateui:explain.title')}</h3>
      <ul class="glossary">
        {(['capture_history', 'estimate', 'interval', 'models', 'fit'] as const).map((k) => (
          <li>{t(`estimateui:explain.${k}`)}</li>
        ))}
      </ul>
      <h3>{t('estimateui:assumptions_title')}</h3>
      <ul>
        {guidance.map((g) => (
          <li>{t(`estimate:guidance.${g}`)}</li>
        ))}
      </ul>
      <p class="hint">{t('estimateui:stored', { hash: out.inputHash.slice(0, 16) })}</p>
    </section>
  );
}

export function EstimatePage(props: {
  pc: PageContext;
  runs: RunSummary[];
  form: EstimateForm;
  choices: StrataChoices | null;
  lcmcr: { burnIn: number; samples: number; thinning: number; seed: number };
  outcome?: EstimateOutcome;
  error?: string;
}) {
  const { pc, runs, form, choices } = props;
  const { t } = pc;
  const lang = pc.lang;
  const place = (c: string) => (isSubdivision(c) ? subdivisionName(c, lang) : c);
  const stratumText = props.outcome
    ? [
        ((props.outcome.settings.stratum as { year?: string }).year ?? '') || t('estimateui:any'),
        (props.outcome.settings.stratum as { actType?: string }).actType ? vocabLabel('act_type', (props.outcome.settings.stratum as { actType: string }).actType, lang) : t('estimateui:any'),
        (props.outcome.settings.stratum as { subdivision?: string }).subdivision ? place((props.outcome.settings.stratum as { subdivision: string }).subdivision) : t('estimateui:any'),
      ].join(' · ')
    : '';
  return (
    <Layout pc={pc} title={t('estimateui:title')} wide>
      <h1>{t('estimateui:title')}</h1>
      <p>{t('estimateui:intro')}</p>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.outcome ? <Results pc={pc} out={props.outcome} stratumText={stratumText} /> : null}
      {runs.length === 0 ? (
        <p>{t('estimateui:no_runs')}</p>
      ) : (
        <>
          <h2>{t('estimateui:form_title')}</h2>
          <form method="get" action="/estimate">
            <p>
              <label for="run">{t('estimateui:run')}</label>
              <select id="run" name="run">
                {runs.map((r) => (
                  <option value={r.id} selected={r.id === form.run}>
                    {t('estimateui:run_option', { date: dateTimeLabel(r.createdAt, lang, pc.timeZone), records: r.recordCount, confirmed: r.confirmed, proposed: r.proposed })}
                  </option>
                ))}
              </select>{' '}
              <button type="submit" class="secondary">
                {t('linkplatform:col.open')}
              </button>
            </p>
          </form>
          {choices ? (
            <form method="post" action="/estimate">
              <input type="hidden" name="_csrf" value={pc.csrf} />
              <input type="hidden" name="run" value={form.run} />
              <fieldset>
                <legend>{t('estimateui:stratum')}</legend>
                <p>
                  <label for="year">{t('estimateui:year')}</label>
                  <select id="year" name="year">
                    <option value="">{t('estimateui:any')}</option>
                    {choices.years.map((y) => (
                      <option value={y} selected={y === form.year}>
                        {y}
                      </option>
                    ))}
                  </select>
                </p>
                <p>
                  <label for="act_type">{t('estimateui:act_type')}</label>
                  <select id="act_type" name="act_type">
                    <option value="">{t('estimateui:any')}</option>
                    {choices.actTypes.map((a) => (
                      <option value={a} selected={a === form.actType}>
                        {vocabLabel('act_type', a, lang)}
                      </option>
                    ))}
                  </select>
                </p>
                <p>
                  <label for="state">{t('estimateui:state')}</label>
                  <select id="state" name="state">
                    <option value="">{t('estimateui:any')}</option>
                    {choices.subdivisions.map((s) => (
                      <option value={s} selected={s === form.state}>
                        {place(s)}
                      </option>
                    ))}
                  </select>
                </p>
              </fieldset>
              <fieldset>
                <legend>{t('estimateui:lists')}</legend>
                <p class="hint" id="lists-hint">
                  {t('estimateui:lists_hint')}
                </p>
                {choices.organisations.map((o, i) => (
                  <p>
                    <label for={`list-${i}`}>{o.name}</label>
                    <input type="text" id={`list-${i}`} name={`list_${o.id}`} value={form.groups[o.id] ?? o.name} maxlength={80} aria-describedby="lists-hint" />
                  </p>
                ))}
              </fieldset>
              <fieldset>
                <legend>{t('estimateui:method')}</legend>
                <p>
                  <input type="radio" id="method-all" name="method" value="all" checked={form.method === 'all'} />
                  <label for="method-all">{t('estimateui:method_all')}</label>
                </p>
                <p>
                  <input type="radio" id="method-loglinear" name="method" value="loglinear" checked={form.method === 'loglinear'} />
                  <label for="method-loglinear">{t('estimateui:method_loglinear')}</label>
                </p>
                <p class="hint">{t('estimateui:lcmcr_hint', props.lcmcr)}</p>
              </fieldset>
              <p>
                <button type="submit">{t('estimateui:submit')}</button>
              </p>
            </form>
          ) : null}
        </>
      )}
    </Layout>
  );
}
