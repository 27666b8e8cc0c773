/**
 * Import screens: upload, column mapping, preview (problems by line and column, the table of
 * unmatched values with suggested terms), progress of a running import; and the export page.
 * Plain forms; the progress page refreshes itself with a meta refresh (no script needed).
 */
import type { ImportField, ImportProfile, ImportReport, JobRow, UnmatchedValue } from '../../interop/index.js';
import { dateDecisionText, exportFormats, importFields, issueText, nullTokensText, toCreateText, vocabFields } from '../../interop/index.js';
import { terms, type VocabName } from '../../vocab/index.js';
import { isSubdivision, subdivisionName } from '../../vocab/places.js';
import { formatPartialDate } from '../../shared/dates.js';
import { dateTimeLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

function Csrf(props: { pc: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.pc.csrf} />;
}

function Errors(props: { pc: PageContext; errors: string[] }) {
  if (!props.errors.length) return null;
  return (
    <div class="error-summary" role="alert">
      <h2>{props.pc.t('interop:ui.errors_title')}</h2>
      <ul>
        {props.errors.map((e) => (
          <li>{e}</li>
        ))}
      </ul>
    </div>
  );
}

export function ImportHomePage(props: { pc: PageContext; jobs: JobRow[]; errors?: string[] }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('interop:ui.title')}>
      <h1>{t('interop:ui.title')}</h1>
      <p>{t('interop:ui.intro')}</p>
      <Errors pc={pc} errors={props.errors ?? []} />
      <form method="post" action="/import" enctype="multipart/form-data">
        <Csrf pc={pc} />
        <label for="import-file">{t('interop:ui.file')}</label>
        <p class="hint" id="import-file-hint">
          {t('interop:ui.file_hint')}
        </p>
        <input id="import-file" type="file" name="file" accept=".csv,.xlsx,text/csv" required aria-describedby="import-file-hint" />
        <label for="import-profile">{t('interop:ui.profile_file')}</label>
        <p class="hint" id="import-profile-hint">
          {t('interop:ui.profile_file_hint')}
        </p>
        <input id="import-profile" type="file" name="profile" accept=".json,application/json" aria-describedby="import-profile-hint" />
        <div class="actions">
          <button type="submit">{t('interop:ui.upload')}</button>
        </div>
      </form>
      <h2>{t('interop:ui.recent')}</h2>
      {props.jobs.length === 0 ? (
        <p class="muted">{t('interop:ui.no_jobs')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('interop:ui.when')}</th>
                <th scope="col">{t('interop:ui.dataset')}</th>
                <th scope="col">{t('interop:ui.state')}</th>
                <th scope="col">{t('interop:ui.rows')}</th>
              </tr>
            </thead>
            <tbody>
              {props.jobs.map((j) => (
                <tr>
                  <td>
                    <a href={`/import/jobs/${j.id}`}>{dateTimeLabel(new Date(j.created_at).toISOString(), pc.lang, pc.timeZone)}</a>
                  </td>
                  <td>{j.dataset}</td>
                  <td>{t(`interop:state.${j.state}`)}</td>
                  <td>{j.rows_read}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function MappingPage(props: { pc: PageContext; upload: string; headers: string[]; samples: string[][]; profile: ImportProfile; errors?: string[] }) {
  const { pc, profile } = props;
  const { t } = pc;
  const byColumn = new Map<string, ImportField>();
  for (const [f, c] of Object.entries(profile.columns) as [ImportField, string][]) byColumn.set(c, f);
  return (
    <Layout pc={pc} title={t('interop:ui.mapping_title')} wide>
      <h1>{t('interop:ui.mapping_title')}</h1>
      <p>{t('interop:ui.mapping_intro')}</p>
      <Errors pc={pc} errors={props.errors ?? []} />
      <form method="post" action={`/import/u/${props.upload}/map`}>
        <Csrf pc={pc} />
        <div class="table-wrap">
          <table>
            <caption>{t('interop:ui.columns_caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('interop:ui.column')}</th>
                <th scope="col">{t('interop:ui.examples')}</th>
                <th scope="col">{t('interop:ui.field')}</th>
              </tr>
            </thead>
            <tbody>
              {props.headers.map((h, i) => (
                <tr>
                  <th scope="row">{h}</th>
                  <td>{props.samples.map((s) => s[i] ?? '').filter(Boolean).slice(0, 3).join(' · ')}</td>
                  <td>
                    <label class="visually-hidden" for={`col-${i}`}>
                      {t('interop:ui.field_for', { column: h })}
                    </label>
                    <select id={`col-${i}`} name={`col_${i}`}>
                      <option value="">{t('interop:ui.ignore')}</option>
                      {importFields.map((f) => (
                        <option value={f} selected={byColumn.get(h) === f}>
                          {t(`interop:field.${f}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <fieldset>
          <legend>{t('interop:ui.options')}</legend>
          <label for="dataset">{t('interop:ui.dataset')}</label>
          <p class="hint" id="dataset-hint">
            {t('interop:ui.dataset_hint')}
          </p>
          <input id="dataset" type="text" name="dataset" value={profile.dataset} required aria-describedby="dataset-hint" />
          <label for="unit">{t('interop:ui.unit')}</label>
          <select id="unit" name="unit">
            <option value="incident" selected={profile.unit === 'incident'}>
              {t('interop:ui.unit_incident')}
            </option>
            <option value="act" selected={profile.unit === 'act'}>
              {t('interop:ui.unit_act')}
            </option>
          </select>
          <label for="separator">{t('interop:ui.separator')}</label>
          <input id="separator" type="text" name="separator" value={profile.separator} maxlength={3} />
          <label for="formats">{t('interop:ui.date_formats')}</label>
          <p class="hint" id="formats-hint">
            {t('interop:ui.date_formats_hint')}
          </p>
          <input id="formats" type="text" name="formats" value={profile.dates.formats.join(', ')} aria-describedby="formats-hint" />
          <label for="date-order">{t('interop:ui.date_order')}</label>
          <p class="hint" id="date-order-hint">
            {t('interop:ui.date_order_hint')}
          </p>
          <select id="date-order" name="dateOrder" aria-describedby="date-order-hint">
            <option value="" selected={!profile.dates.order}>
              {t('interop:ui.date_order_auto')}
            </option>
            {(['day-month', 'month-day'] as const).map((o) => (
              <option value={o} selected={profile.dates.order === o}>
                {t(`interop:dates.order_${o}`)}
              </option>
            ))}
          </select>
          <label for="null-tokens">{t('interop:ui.null_tokens')}</label>
          <p class="hint" id="null-tokens-hint">
            {t('interop:ui.null_tokens_hint')}
          </p>
          <input id="null-tokens" type="text" name="nullTokens" value={profile.nullTokens.join(' | ')} aria-describedby="null-tokens-hint" />
          <label for="default-country">{t('interop:ui.default_country')}</label>
          <input id="default-country" type="text" name="defaultCountry" value={profile.defaults.country ?? ''} maxlength={2} />
        </fieldset>
        <div class="actions">
          <button type="submit">{t('interop:ui.to_preview')}</button>
        </div>
      </form>
    </Layout>
  );
}

function UnmatchedTable(props: { pc: PageContext; upload: string; unmatched: UnmatchedValue[] }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <form method="post" action={`/import/u/${props.upload}/values`}>
      <Csrf pc={pc} />
      <div class="table-wrap">
        <table>
          <caption>{t('interop:ui.unmatched_caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('interop:ui.column')}</th>
              <th scope="col">{t('interop:ui.value')}</th>
              <th scope="col">{t('interop:ui.times')}</th>
              <th scope="col">{t('interop:ui.lines')}</th>
              <th scope="col">{t('interop:ui.map_to')}</th>
            </tr>
          </thead>
          <tbody>
            {props.unmatched.slice(0, 200).map((u, i) => {
              const vocab = (vocabFields as Record<string, string>)[u.field] as VocabName | undefined;
              const suggested = new Set(u.suggestions.map((s) => s.code));
              return (
                <tr>
                  <td>{u.column}</td>
                  <th scope="row">{u.value}</th>
                  <td>{u.count}</td>
                  <td>{u.lines.join(', ')}</td>
                  <td>
                    <input type="hidden" name={`field_${i}`} value={u.field} />
                    <input type="hidden" name={`value_${i}`} value={u.value} />
                    <label class="visually-hidden" for={`map-${i}`}>
                      {t('interop:ui.map_value', { value: u.value })}
                    </label>
                    {vocab ? (
                      <select id={`map-${i}`} name={`code_${i}`}>
                        <option value="">{t('interop:ui.leave_unmatched')}</option>
                        {u.suggestions.length ? (
                          <optgroup label={t('interop:ui.suggested')}>
                            {u.suggestions.map((s, k) => (
                              <option value={s.code} selected={k === 0}>
                                {s.label}
                              </option>
                            ))}
                          </optgroup>
                        ) : null}
                        <optgroup label={t('interop:ui.all_terms')}>
                          {terms(vocab, pc.lang)
                            .filter((x) => !suggested.has(x.code))
                            .map((x) => (
                              <option value={x.code}>{x.parentLabel ? `${x.parentLabel} › ${x.label}` : x.label}</option>
                            ))}
                        </optgroup>
                      </select>
                    ) : (
                      <input id={`map-${i}`} type="text" name={`code_${i}`} value="" placeholder={t('interop:ui.code_placeholder')} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="hint">{t('interop:ui.never_created')}</p>
      <div class="actions">
        <button type="submit">{t('interop:ui.apply_values')}</button>
      </div>
    </form>
  );
}

/** Rows that look like cases already held (the intake's possible-duplicate check), with links. */
function ImportDuplicates(props: { pc: PageContext; report: ImportReport }) {
  const { pc, report: r } = props;
  const { t, lang } = pc;
  if (!r.duplicatesChecked) return null;
  return (
    <section id="import-duplicates" aria-labelledby="import-duplicates-title">
      <h2 id="import-duplicates-title">{t('workspace:duplicates.import_title')}</h2>
      {r.duplicates.length === 0 ? (
        <p>{t('workspace:duplicates.import_none')}</p>
      ) : (
        <>
          <p>{t('workspace:duplicates.import_intro')}</p>
          <ul class="cards">
            {r.duplicates.map((d) => (
              <li class="card">
                <p>
                  <strong>{t('workspace:duplicates.import_row', { line: d.line })}</strong>: {d.title}
                </p>
                <ul>
                  {d.candidates.map((c) => (
                    <li>
                      <a href={`/incidents/${c.incidentId}`}>{c.title}</a>
                      {' · '}
                      {[c.date ? formatPartialDate(c.date, lang, false) : t('workspace:duplicates.no_date'), c.subdivision && isSubdivision(c.subdivision) ? subdivisionName(c.subdivision, lang) : '', c.own ? '' : t('workspace:duplicates.partner')]
                        .filter(Boolean)
                        .join(' · ')}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function PreviewPage(props: { pc: PageContext; upload: string; report: ImportReport }) {
  const { pc, report: r } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('interop:ui.preview_title')} wide>
      <h1>{t('interop:ui.preview_title')}</h1>
      <p role="status">
        {t('interop:cli.summary_dry', { rows: r.rows, valid: r.valid, rejected: r.rejected, created: r.created, updated: r.updated, unchanged: r.unchanged, empty: r.emptyRows })}
      </p>
      <p id="to-create">{toCreateText(pc.lang, r)}</p>
      <ul id="read-as">
        {r.dates.map((d) => (
          <li>{dateDecisionText(pc.lang, d)}</li>
        ))}
        <li>{nullTokensText(pc.lang, r.nullTokens)}</li>
      </ul>
      <p>
        <a href={`/import/u/${props.upload}/map`}>{t('interop:ui.back_to_mapping')}</a> ·{' '}
        <a href={`/import/u/${props.upload}/profile.json`} download="profile.json">
          {t('interop:ui.download_profile')}
        </a>
      </p>
      <ImportDuplicates pc={pc} report={r} />
      {r.warnings.length ? (
        <>
          <h2>{t('interop:ui.warnings')}</h2>
          <ul>
            {r.warnings.slice(0, 50).map((w) => (
              <li>{issueText(pc.lang, w)}</li>
            ))}
          </ul>
        </>
      ) : null}
      {r.unmatched.length ? (
        <>
          <h2>{t('interop:ui.unmatched_title')}</h2>
          <UnmatchedTable pc={pc} upload={props.upload} unmatched={r.unmatched} />
        </>
      ) : null}
      {r.synonyms?.length ? (
        <>
          <h2>{t('interop:synonyms.ui_title')}</h2>
          <p>{t('interop:synonyms.ui_intro')}</p>
          <ul>
            {r.synonyms.slice(0, 100).map((u) => (
              <li>
                {u.column}: «{u.value}» ×{u.count} → {u.label} ({u.code})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {r.issues.length ? (
        <>
          <h2>{t('interop:ui.problems', { count: r.issueCount })}</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('interop:rejected.line')}</th>
                  <th scope="col">{t('interop:ui.column')}</th>
                  <th scope="col">{t('interop:ui.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {r.issues.slice(0, 200).map((i) => (
                  <tr>
                    <td>{i.line}</td>
                    <td>{i.column ?? ''}</td>
                    <td>{i.message ?? t(i.key, i.values)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <h2>{t('interop:ui.run_title')}</h2>
      <form method="post" action={`/import/u/${props.upload}/run`}>
        <Csrf pc={pc} />
        <fieldset>
          <legend>{t('interop:ui.mode')}</legend>
          <p>
            <input type="radio" id="mode-aon" name="mode" value="all-or-nothing" checked={r.rejected === 0} />
            <label for="mode-aon" class="inline">
              {t('interop:ui.mode_aon')}
            </label>
          </p>
          <p>
            <input type="radio" id="mode-valid" name="mode" value="valid-rows" checked={r.rejected > 0} />
            <label for="mode-valid" class="inline">
              {t('interop:ui.mode_valid', { count: r.rejected })}
            </label>
          </p>
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={r.valid === 0}>
            {t('interop:ui.run', { count: r.valid })}
          </button>
        </div>
      </form>
    </Layout>
  );
}

export function JobPage(props: { pc: PageContext; job: JobRow; hasRejected: boolean }) {
  const { pc, job } = props;
  const { t } = pc;
  const running = job.state === 'staging' || job.state === 'staged' || job.state === 'applying';
  const total = Number(job.rows_total ?? 0);
  const read = Number(job.rows_read);
  const result = job.result as Record<string, number | undefined>;
  return (
    <Layout pc={pc} title={t('interop:ui.job_title')}>
      {running ? <meta http-equiv="refresh" content="2" /> : null}
      <h1>{t('interop:ui.job_title')}</h1>
      <dl class="facts">
        <dt>{t('interop:ui.dataset')}</dt>
        <dd>{job.dataset}</dd>
        <dt>{t('interop:ui.state')}</dt>
        <dd>
          {/* The live region sits inside the dd: a dd carrying a role is no longer a dd (axe definition-list). */}
          <span role="status">{t(`interop:state.${job.state}`)}</span>
        </dd>
        <dt>{t('interop:ui.started')}</dt>
        <dd>{dateTimeLabel(new Date(job.created_at).toISOString(), pc.lang, pc.timeZone)}</dd>
      </dl>
      {running ? (
        <p>
          <label for="job-progress">{t('interop:ui.progress', { read, total: total || '?' })}</label>
          <progress id="job-progress" max={total || undefined} value={read}>
            {read}
          </progress>
        </p>
      ) : null}
      {job.state === 'complete' || job.state === 'failed' ? (
        <p>
          {t('interop:cli.summary', {
            rows: result.rows ?? 0,
            valid: result.valid ?? 0,
            rejected: result.rejected ?? 0,
            created: result.created ?? 0,
            updated: result.updated ?? 0,
            unchanged: result.unchanged ?? 0,
            empty: result.emptyRows ?? 0,
            state: t(`interop:state.${job.state}`),
          })}
        </p>
      ) : null}
      {props.hasRejected ? (
        <p>
          <a href={`/import/jobs/${job.id}/rejected.csv`}>{t('interop:ui.download_rejected')}</a>
          <br />
          <span class="hint">{t('interop:ui.rejected_retention')}</span>
        </p>
      ) : null}
      <p>
        <a href="/import">{t('interop:ui.back_to_imports')}</a> · <a href="/incidents">{t('interop:ui.to_cases')}</a>
      </p>
    </Layout>
  );
}

/** Links to download the current case-list selection in every format (for the case list page). */
export function ExportLinks(props: { pc: PageContext; query: string }) {
  const { t } = props.pc;
  const q = props.query ? `&${props.query}` : '';
  return (
    <ul class="export-links">
      {exportFormats.map((f) => (
        <li>
          <a href={`/incidents/export?format=${f}${q}`} download>
            {t(`interop:format.${f}`)}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function ExportPage(props: { pc: PageContext; query: string; count: number | null }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('interop:ui.export_title')}>
      <h1>{t('interop:ui.export_title')}</h1>
      <p>{t('interop:ui.export_intro')}</p>
      <ExportLinks pc={pc} query={props.query} />
      <p>
        <a href={`/incidents${props.query ? `?${props.query}` : ''}`}>{t('interop:ui.back_to_list')}</a>
      </p>
    </Layout>
  );
}
