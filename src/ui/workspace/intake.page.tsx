/** The guided intake: one page per step, each a plain form; the draft lives on the server. */
import type { DraftSummary } from '../../records/index.js';
import { countryName, isCountry, isSubdivision, subdivisionName } from '../../vocab/places.js';
import { dateTimeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { CheckField, Csrf, CountrySelect, DateField, ErrorSummary, Hidden, Select, SubdivisionSelect, TextField, VocabSelect, vocabOptions, type Errors } from './fields.js';
import { steps, type IncidentDraft, type Step } from './intake.model.js';
import { formatPartialDate } from '../../shared/dates.js';
import type { DuplicateCandidate } from '../../linkage/platform/index.js';
import { AddingToBanner, DuplicatesPanel } from './intake-duplicates.js';

export function DraftsPage(props: { pc: PageContext; drafts: DraftSummary[]; notice?: string | null }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('workspace:intake.title')}>
      <h1>{t('workspace:intake.title')}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <form method="post" action="/incidents/new">
        <Csrf pc={pc} />
        <button type="submit">{t('workspace:intake.start')}</button>
      </form>
      <h2>{t('workspace:intake.drafts')}</h2>
      {props.drafts.length === 0 ? (
        <p class="muted">{t('workspace:intake.no_drafts')}</p>
      ) : (
        <ul class="cards">
          {props.drafts.map((d) => (
            <li class="card">
              <h3>
                <a href={`/incidents/new/${d.id}/incident`}>{d.title || t('workspace:intake.untitled')}</a>
              </h3>
              <p class="meta">{t('workspace:intake.updated', { when: dateTimeLabel(d.updatedAt, pc.lang, pc.timeZone) })}</p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

function StepNav(props: { pc: PageContext; draftId: string; step: Step }) {
  const { pc } = props;
  return (
    <nav aria-label={pc.t('workspace:intake.steps_label')} class="steps">
      <ol>
        {steps.map((s) => (
          <li class={s === props.step ? 'current' : undefined}>
            <a href={`/incidents/new/${props.draftId}/${s}`} aria-current={s === props.step ? 'step' : undefined}>
              {pc.t(`workspace:intake.step.${s}`)}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Buttons(props: { pc: PageContext; step: Step; add?: boolean }) {
  const { t } = props.pc;
  const i = steps.indexOf(props.step);
  return (
    <div class="actions">
      {props.step !== 'review' ? (
        <button type="submit" name="go" value="next">
          {t('workspace:intake.next')}
        </button>
      ) : null}
      {props.add ? (
        <button type="submit" name="go" value="add" class="secondary">
          {t('workspace:intake.add')}
        </button>
      ) : null}
      {i > 0 ? (
        <button type="submit" name="go" value="back" class="secondary" formnovalidate>
          {t('workspace:intake.back')}
        </button>
      ) : null}
      <button type="submit" name="go" value="stay" class="secondary" formnovalidate>
        {t('workspace:intake.save_draft')}
      </button>
      <span class="autosave-status" role="status" aria-live="polite" data-saved={t('workspace:intake.autosaved', { time: '{time}' })} data-failed={t('workspace:intake.autosave_failed')}></span>
    </div>
  );
}

function RemoveBox(props: { pc: PageContext; id: string; value: string }) {
  return <CheckField id={props.id} name="remove" value={props.value} label={props.pc.t('workspace:intake.remove')} />;
}

function victimLabel(pc: PageContext, d: IncidentDraft, key: string): string {
  const i = d.victims.findIndex((v) => v.key === key);
  const v = d.victims[i];
  return v ? v.name || pc.t('workspace:intake.item', { what: pc.t('workspace:field.victim'), n: i + 1 }) : '';
}

function actLabel(pc: PageContext, d: IncidentDraft, key: string): string {
  const i = d.acts.findIndex((a) => a.key === key);
  const a = d.acts[i];
  if (!a) return '';
  return `${i + 1}. ${vocabLabel('act_type', a.actType, pc.lang) || '?'} — ${victimLabel(pc, d, a.victimKey)}`;
}

export function IntakeStepPage(props: {
  pc: PageContext;
  draftId: string;
  step: Step;
  draft: IncidentDraft;
  errors: Errors;
  notice?: string | null;
  extraRows?: number;
  duplicates?: DuplicateCandidate[];
}) {
  const { pc, draftId, step, draft: d, errors: e } = props;
  const { t } = pc;
  const n = steps.indexOf(step) + 1;
  const extra = props.extraRows ?? 1;
  const title = t(`workspace:intake.step.${step}`);
  const action = `/incidents/new/${draftId}/${step}`;
  return (
    <Layout pc={pc} title={`${title} · ${t('workspace:intake.title')}`} scripts={['/assets/workspace.js']}>
      <p class="muted">{t('workspace:intake.step_of', { n, total: steps.length })}</p>
      <h1>{title}</h1>
      <StepNav pc={pc} draftId={draftId} step={step} />
      {props.notice ? (
        <p class="notice ok-notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <ErrorSummary pc={pc} errors={e} />
      <AddingToBanner pc={pc} draftId={draftId} draft={d} />
      {props.duplicates?.length ? <DuplicatesPanel pc={pc} draftId={draftId} step={step} next={steps[Math.min(steps.length - 1, n)]!} candidates={props.duplicates} /> : null}
      <p>{t(`workspace:intake.intro.${step}`)}</p>
      {step === 'evidence' ? <EvidenceStep pc={pc} draftId={draftId} draft={d} /> : null}
      <form method="post" action={action} class="intake" data-autosave="1" novalidate>
        <Csrf pc={pc} />
        {step === 'incident' ? (
          <>
            <TextField id="title" label={t('workspace:field.title')} hint={t('workspace:field.title_hint')} value={d.incident.title} error={e.title} required />
            <DateField pc={pc} id="startDate" label={t('workspace:field.startDate')} value={d.incident.startDate} approximate={d.incident.startApproximate} error={e.startDate} />
            <DateField pc={pc} id="endDate" label={t('workspace:field.endDate')} value={d.incident.endDate} approximate={d.incident.endApproximate} error={e.endDate} showHint={false} />
            <CountrySelect pc={pc} id="country" value={d.incident.country} error={e.country} />
            <SubdivisionSelect pc={pc} id="subdivision" country={d.incident.country} value={d.incident.subdivision} error={e.subdivision} />
            <TextField id="placeName" label={t('workspace:field.placeName')} hint={t('workspace:field.placeName_hint')} value={d.incident.placeName} error={e.placeName} />
            <TextField id="narrative" label={t('workspace:field.narrative')} value={d.incident.narrative} error={e.narrative} multiline />
            <CheckField id="narrativeSensitive" label={t('workspace:field.narrativeSensitive')} checked={d.incident.narrativeSensitive} />
            <Select
              id="visibility"
              label={t('workspace:field.visibility')}
              value={d.incident.visibility}
              empty={null}
              hint={t('workspace:sharing.visibility_hint')}
              options={['private', 'public'].map((v) => ({ value: v, label: t(`ui:visibility.${v}`) }))}
            />
          </>
        ) : null}
        {step === 'victims' ? (
          <>
            <Hidden name="rows" value={d.victims.length + extra} />
            {[...d.victims, ...Array.from({ length: extra }, () => null)].map((v, i) => {
              const p = `v${i}_`;
              return (
                <fieldset>
                  <legend>{t('workspace:intake.item', { what: t('workspace:field.victim'), n: i + 1 })}</legend>
                  <Hidden name={`${p}key`} value={v?.key ?? ''} />
                  <TextField id={`${p}name`} label={t('workspace:field.name')} hint={t('workspace:field.name_hint')} value={v?.name} error={e[`${p}name`]} autocomplete="off" />
                  {v && v.matches.length ? (
                    <div class="match notice" id={`${p}use`}>
                      <p>{t('workspace:match.found', { count: v.matches.length })}</p>
                      {e[`${p}use`] ? <p class="field-error">{e[`${p}use`]}</p> : null}
                      <fieldset>
                        <legend>{t('workspace:match.use')}</legend>
                        {v.matches.map((m) => (
                          <div class="check">
                            <input type="radio" id={`${p}use_${m.id}`} name={`${p}use`} value={m.id} checked={v.actorId === m.id} />
                            <label for={`${p}use_${m.id}`}>
                              {t('workspace:match.existing', {
                                kind: t(`workspace:field.kind_${m.kind}`),
                                sectors: m.sectors.map((s) => vocabLabel('defender_sector', s, pc.lang)).join(', ') || '—',
                                when: dateTimeLabel(m.createdAt, pc.lang, pc.timeZone),
                              })}{' '}
                              <a href={`/actors/${m.id}`} target="_blank" rel="noopener">
                                {t('workspace:match.existing_short')}
                              </a>
                            </label>
                          </div>
                        ))}
                        <div class="check">
                          <input type="radio" id={`${p}use_new`} name={`${p}use`} value="new" checked={v.choice === 'new'} />
                          <label for={`${p}use_new`}>{t('workspace:match.new')}</label>
                        </div>
                      </fieldset>
                    </div>
                  ) : null}
                  <Select
                    id={`${p}kind`}
                    label={t('workspace:field.kind')}
                    value={v?.kind ?? 'person'}
                    empty={null}
                    options={['person', 'organisation', 'group'].map((k) => ({ value: k, label: t(`workspace:field.kind_${k}`) }))}
                  />
                  <details class="sectors" open={!!v?.sectors.length}>
                    <summary>{t('workspace:field.sectors')}</summary>
                    <fieldset>
                      <legend class="visually-hidden">{t('workspace:field.sectors')}</legend>
                      {vocabOptions('defender_sector', pc.lang).map((o) => (
                        <CheckField id={`${p}sectors_${o.value}`} name={`${p}sectors`} value={o.value} label={o.label} checked={!!v?.sectors.includes(o.value)} />
                      ))}
                    </fieldset>
                  </details>
                  <VocabSelect pc={pc} vocab="gender" id={`${p}gender`} label={t('workspace:field.gender')} value={v?.gender} error={e[`${p}gender`]} />
                  <TextField id={`${p}groupSize`} label={t('workspace:field.groupSize')} value={v?.groupSize} error={e[`${p}groupSize`]} type="number" />
                  {v ? <RemoveBox pc={pc} id={`${p}remove`} value={String(i)} /> : null}
                </fieldset>
              );
            })}
          </>
        ) : null}
        {step === 'acts' ? (
          <>
            <Hidden name="rows" value={d.acts.length + extra} />
            {[...d.acts, ...Array.from({ length: extra }, () => null)].map((a, i) => {
              const p = `a${i}_`;
              return (
                <fieldset>
                  <legend>{t('workspace:intake.item', { what: t('workspace:field.act'), n: i + 1 })}</legend>
                  <Hidden name={`${p}key`} value={a?.key ?? ''} />
                  <Select
                    id={`${p}victim`}
                    label={t('workspace:field.victim')}
                    value={a?.victimKey ?? (d.victims.length === 1 ? d.victims[0]!.key : '')}
                    error={e[`${p}victim`]}
                    empty={t('workspace:field.choose')}
                    options={d.victims.map((v) => ({ value: v.key, label: victimLabel(pc, d, v.key) }))}
                  />
                  <VocabSelect pc={pc} vocab="act_type" id={`${p}actType`} label={t('workspace:field.actType')} value={a?.actType} error={e[`${p}actType`]} />
                  <DateField pc={pc} id={`${p}startDate`} label={t('workspace:field.startDate')} value={a?.startDate} approximate={a?.startApproximate} error={e[`${p}startDate`]} />
                  <VocabSelect pc={pc} vocab="victim_status" id={`${p}victimStatus`} label={t('workspace:field.victimStatus')} value={a?.victimStatus} error={e[`${p}victimStatus`]} />
                  <TextField id={`${p}notes`} label={t('workspace:field.notes')} value={a?.notes} error={e[`${p}notes`]} multiline />
                  {a ? <RemoveBox pc={pc} id={`${p}remove`} value={String(i)} /> : null}
                </fieldset>
              );
            })}
          </>
        ) : null}
        {step === 'perpetrators' ? (
          <>
            <Hidden name="rows" value={d.perpetrators.length + extra} />
            {[...d.perpetrators, ...Array.from({ length: extra }, () => null)].map((x, i) => {
              const p = `p${i}_`;
              return (
                <fieldset>
                  <legend>{t('workspace:intake.item', { what: t('workspace:field.perpetratorType'), n: i + 1 })}</legend>
                  <Select
                    id={`${p}act`}
                    label={t('workspace:field.act')}
                    value={x?.actKey ?? (d.acts.length === 1 ? d.acts[0]!.key : '')}
                    error={e[`${p}act`]}
                    empty={t('workspace:field.choose')}
                    options={d.acts.map((a) => ({ value: a.key, label: actLabel(pc, d, a.key) }))}
                  />
                  <VocabSelect pc={pc} vocab="perpetrator_type" id={`${p}perpetratorType`} label={t('workspace:field.perpetratorType')} value={x?.perpetratorType} error={e[`${p}perpetratorType`]} />
                  <VocabSelect pc={pc} vocab="involvement_degree" id={`${p}degree`} label={t('workspace:field.degree')} value={x?.degree} error={e[`${p}degree`]} />
                  {x ? <RemoveBox pc={pc} id={`${p}remove`} value={String(i)} /> : null}
                </fieldset>
              );
            })}
          </>
        ) : null}
        {step === 'sources' ? (
          <>
            <Hidden name="rows" value={d.sources.length + extra} />
            {[...d.sources, ...Array.from({ length: extra }, () => null)].map((s, i) => {
              const p = `s${i}_`;
              return (
                <fieldset>
                  <legend>{t('workspace:intake.item', { what: t('workspace:field.sourceType'), n: i + 1 })}</legend>
                  <VocabSelect pc={pc} vocab="source_type" id={`${p}sourceType`} label={t('workspace:field.sourceType')} value={s?.sourceType} error={e[`${p}sourceType`]} />
                  <VocabSelect pc={pc} vocab="reliability" id={`${p}reliability`} label={t('workspace:field.reliability')} value={s?.reliability} error={e[`${p}reliability`]} />
                  <TextField id={`${p}url`} label={t('workspace:field.url')} value={s?.url} error={e[`${p}url`]} type="url" />
                  <TextField id={`${p}identity`} label={t('workspace:field.identity')} hint={t('workspace:field.identity_hint')} value={s?.identity} error={e[`${p}identity`]} />
                  <TextField id={`${p}notes`} label={t('workspace:field.notes')} value={s?.notes} error={e[`${p}notes`]} multiline />
                  {s ? <RemoveBox pc={pc} id={`${p}remove`} value={String(i)} /> : null}
                </fieldset>
              );
            })}
          </>
        ) : null}
        {step === 'evidence' ? (
          <>
            <Hidden name="rows" value={d.evidence.length} />
            {d.evidence.map((f) => (
              <Hidden name="keep" value={f.key} />
            ))}
          </>
        ) : null}
        {step === 'review' ? <Review pc={pc} draftId={draftId} draft={d} /> : null}
        <Buttons pc={pc} step={step} add={['victims', 'acts', 'perpetrators', 'sources'].includes(step)} />
      </form>
      {step === 'review' ? (
        <form method="post" action={`/incidents/new/${draftId}/save`} class="finish">
          <Csrf pc={pc} />
          <button type="submit">{t('workspace:intake.finish')}</button>
        </form>
      ) : null}
      <form method="post" action={`/incidents/new/${draftId}/discard`} class="discard">
        <Csrf pc={pc} />
        <button type="submit" class="link">
          {t('workspace:intake.discard')}
        </button>
      </form>
    </Layout>
  );
}

function EvidenceStep(props: { pc: PageContext; draftId: string; draft: IncidentDraft }) {
  const { pc, draft: d } = props;
  const { t } = pc;
  return (
    <>
      <h2>{t('workspace:evidence.pending')}</h2>
      {d.evidence.length === 0 ? (
        <p class="muted">{t('workspace:evidence.none')}</p>
      ) : (
        <ul class="cards">
          {d.evidence.map((f) => (
            <li class="card">
              <p>
                <strong>{f.originalName}</strong> · {f.original.mediaType} · {t('workspace:evidence.size_value', { n: f.original.sizeBytes })}
                {f.stripped ? ` · ${t('workspace:case.stripped_copy')}` : ''}
              </p>
              <p class="meta sha">
                {t('workspace:evidence.sha256')}: <code>{f.original.sha256}</code>
              </p>
              {f.description ? <p>{f.description}</p> : null}
              <form method="post" action={`/incidents/new/${props.draftId}/evidence`}>
                <Csrf pc={pc} />
                <Hidden name="rows" value={d.evidence.length} />
                {d.evidence.filter((x) => x.key !== f.key).map((x) => (
                  <Hidden name="keep" value={x.key} />
                ))}
                <button type="submit" name="go" value="stay" class="secondary">
                  {t('workspace:intake.remove')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <UploadForm pc={pc} action={`/incidents/new/${props.draftId}/upload`} />
    </>
  );
}

export function UploadForm(props: { pc: PageContext; action: string; maxMb?: number }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <form method="post" action={props.action} enctype="multipart/form-data" class="upload">
      {/* The token comes first: the server reads it before accepting any file bytes. */}
      <Csrf pc={pc} />
      <TextField id="description" label={t('workspace:field.description')} />
      <div class="field">
        <label for="file">
          {t('workspace:field.file')}
          <span class="hint" id="file-hint">
            {t('workspace:field.file_hint', { max: props.maxMb ?? 100 })}
          </span>
        </label>
        <input id="file" name="file" type="file" required aria-describedby="file-hint" accept="image/*,application/pdf,video/mp4,audio/*,.docx,.odt,.txt" />
      </div>
      <p>
        <button type="submit">{t('workspace:field.upload')}</button>
      </p>
    </form>
  );
}

function Review(props: { pc: PageContext; draftId: string; draft: IncidentDraft }) {
  const { pc, draft: d, draftId } = props;
  const { t, lang } = pc;
  const i = d.incident;
  const edit = (s: Step) => (
    <a href={`/incidents/new/${draftId}/${s}`} class="edit-link">
      {t('workspace:intake.step_edit', { step: t(`workspace:intake.step.${s}`) })}
    </a>
  );
  const date = (s: string, approx: boolean) => (s ? formatPartialDate(s, lang, approx) : '');
  return (
    <div class="review">
      <h2>
        {t('workspace:intake.step.incident')} {edit('incident')}
      </h2>
      <dl class="facts">
        <dt>{t('workspace:field.title')}</dt>
        <dd>{i.title || '—'}</dd>
        <dt>{t('workspace:field.startDate')}</dt>
        <dd>{[date(i.startDate, i.startApproximate), date(i.endDate, i.endApproximate)].filter(Boolean).join(' – ') || '—'}</dd>
        <dt>{t('workspace:field.placeName')}</dt>
        <dd>
          {[i.placeName, isSubdivision(i.subdivision) ? subdivisionName(i.subdivision, lang) : '', isCountry(i.country) ? countryName(i.country, lang) : ''].filter(Boolean).join(', ') || '—'}
        </dd>
        <dt>{t('workspace:field.visibility')}</dt>
        <dd>{t(`ui:visibility.${i.visibility || 'private'}`)}</dd>
      </dl>
      {i.narrative ? <p class="narrative">{i.narrative}</p> : null}
      <h2>
        {t('workspace:intake.step.acts')} {edit('acts')}
      </h2>
      {d.acts.length ? (
        <ol>
          {d.acts.map((a) => (
            <li>
              {vocabLabel('act_type', a.actType, lang)} — {victimLabel(pc, d, a.victimKey)}
              {a.startDate ? ` · ${date(a.startDate, a.startApproximate)}` : ''}
              {d.perpetrators.filter((p) => p.actKey === a.key).length
                ? ` · ${t('workspace:case.perpetrators')}: ${d.perpetrators
                    .filter((p) => p.actKey === a.key)
                    .map((p) => vocabLabel('perpetrator_type', p.perpetratorType, lang))
                    .join(', ')}`
                : ''}
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{t('workspace:intake.nothing')}</p>
      )}
      <h2>
        {t('workspace:intake.step.sources')} {edit('sources')}
      </h2>
      {d.sources.length ? (
        <ul>
          {d.sources.map((s) => (
            <li>
              {vocabLabel('source_type', s.sourceType, lang)}
              {s.reliability ? ` · ${vocabLabel('reliability', s.reliability, lang)}` : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('workspace:intake.nothing')}</p>
      )}
      <h2>
        {t('workspace:intake.step.evidence')} {edit('evidence')}
      </h2>
      {d.evidence.length ? (
        <ul>
          {d.evidence.map((f) => (
            <li>
              {f.originalName} · <code class="sha">{f.original.sha256}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('workspace:intake.nothing')}</p>
      )}
    </div>
  );
}
