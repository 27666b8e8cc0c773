/** The case page, its version history, the actor page and the evidence file page. */
import type { CaseAudience, CaseFile, CustodyEntry, Presented, PresentedHistoryEntry } from '../../records/index.js';
import { formatPartialDate } from '../../shared/dates.js';
import { countryName, isCountry, isSubdivision, subdivisionName } from '../../vocab/places.js';
import { dateRangeLabel, dateTimeLabel, placeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { fieldLabel } from './edit.page.js';
import { UploadForm } from './intake.page.js';
import { CaseAudienceSection } from './case-sharing.js';
import { UseInStatementForm } from './use-in-statement.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function actorName(pc: PageContext, a: Presented | null): string {
  if (!a) return pc.t('workspace:case.unknown');
  return typeof a.name === 'string' ? a.name : pc.t('workspace:case.withheld');
}

export interface TimelineItem {
  date: string | null;
  approximate: boolean;
  text: string;
  href?: string;
}

export function caseTimeline(pc: PageContext, file: CaseFile): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const a of file.acts) {
    items.push({
      date: str(a.startDate) || null,
      approximate: a.startApproximate === true,
      text: pc.t('workspace:case.timeline_act', { type: vocabLabel('act_type', a.actType, pc.lang), victim: actorName(pc, a.victim) }),
      ...(a.victim && file.owner ? { href: `/actors/${a.victim.id}` } : {}),
    });
  }
  for (const i of file.interventions) {
    items.push({ date: str(i.date) || null, approximate: false, text: pc.t('workspace:case.timeline_intervention', { type: vocabLabel('intervention_type', i.interventionType, pc.lang) }) });
  }
  // Partial dates compare as text once padded to their first day; undated items go last.
  const key = (d: string | null) => (d ? d.padEnd(10, '-00') : '9999');
  return items.sort((x, y) => key(x.date).localeCompare(key(y.date)));
}

function size(n: unknown): string {
  const b = Number(n);
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${(b / 1024 / 1024).toFixed(1)} MB`;
}

/** A link to one record's own history (owners only: partners see no history). */
function RecordHistoryLink(props: { pc: PageContext; incidentId: string; table: string; id: string; label: string; text?: string }) {
  return (
    <>
      {' · '}
      <a href={`/incidents/${props.incidentId}/history/${props.table}/${props.id}`}>
        {props.text ?? props.pc.t('workspace:history.link')}
        <span class="visually-hidden">: {props.label}</span>
      </a>
    </>
  );
}

export function CasePage(props: {
  pc: PageContext;
  file: CaseFile;
  audience: CaseAudience | null;
  canShare: boolean;
  notice?: string | null;
  canEdit: boolean;
  fromReport?: { id: string; receivedOn: string; canOpen: boolean } | null;
  /** The organisation's statements, for "use in a statement" (null: not offered to this user). */
  statements?: { id: string; title: string; status: string; cites: boolean }[] | null;
}) {
  const { pc, file } = props;
  const { t, lang } = pc;
  const inc = file.incident;
  const timeline = caseTimeline(pc, file);
  return (
    <Layout pc={pc} title={String(inc.title)}>
      {props.notice ? (
        <p class="notice ok-notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h1>{String(inc.title)}</h1>
      {!file.owner ? <p class="notice">{t('ui:case.shared_notice')}</p> : null}
      {props.fromReport ? (
        <p class="notice">
          {props.fromReport.canOpen ? (
            <a href={`/intake/reports/${props.fromReport.id}`}>{t('intake:report.from_report', { date: formatPartialDate(props.fromReport.receivedOn, lang) })}</a>
          ) : (
            t('intake:report.from_report', { date: formatPartialDate(props.fromReport.receivedOn, lang) })
          )}
        </p>
      ) : null}
      {file.owner ? (
        <p class="case-actions">
          {props.canEdit ? (
            <a class="button secondary" href={`/incidents/${inc.id}/edit`}>
              {t('workspace:case.edit')}
            </a>
          ) : null}
          <a class="button secondary" href={`/incidents/${inc.id}/history`}>
            {t('workspace:case.history')}
          </a>
        </p>
      ) : null}
      <dl class="facts">
        <dt>{t('ui:case.when')}</dt>
        <dd>{dateRangeLabel(inc, lang) || t('ui:case.unknown')}</dd>
        <dt>{t('ui:case.where')}</dt>
        <dd>{placeLabel(inc, lang) || t('ui:case.unknown')}</dd>
        <dt>{t('ui:case.status')}</dt>
        <dd>{vocabLabel('incident_status', inc.status, lang)}</dd>
        <dt>{t('ui:case.visibility')}</dt>
        <dd>{t(`ui:visibility.${String(inc.visibility)}`)}</dd>
        <dt>{t('workspace:case.version', { version: inc.version })}</dt>
        <dd>{dateTimeLabel(inc.updatedAt, lang, pc.timeZone)}</dd>
      </dl>
      {str(inc.narrative) ? (
        <>
          <h2>{t('ui:case.narrative')}</h2>
          {str(inc.narrative)
            .split(/\n{2,}/)
            .map((p) => (
              <p>{p}</p>
            ))}
        </>
      ) : null}
      <h2>{t('workspace:case.timeline')}</h2>
      {timeline.length ? (
        <ol class="timeline">
          {timeline.map((i) => (
            <li>
              <span class="when">{i.date ? formatPartialDate(i.date, lang, i.approximate) : t('workspace:list.no_date')}</span>{' '}
              {i.href ? <a href={i.href}>{i.text}</a> : i.text}
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{t('workspace:case.no_timeline')}</p>
      )}
      <h2>{t('workspace:case.acts')}</h2>
      {file.acts.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul class="cards">
          {file.acts.map((a) => (
            <li class="card">
              <h3>{vocabLabel('act_type', a.actType, lang)}</h3>
              <p class="meta">{[dateRangeLabel(a, lang), placeLabel(a, lang)].filter(Boolean).join(' · ')}</p>
              <p>
                {t('ui:case.victim')}: {a.victim && file.owner ? <a href={`/actors/${a.victim.id}`}>{actorName(pc, a.victim)}</a> : actorName(pc, a.victim)}
                {a.victim && typeof a.victim.groupSize === 'number' ? ` (${t('ui:case.group_size', { count: a.victim.groupSize })})` : ''}
              </p>
              {a.involvements.length ? (
                <p>
                  {t('workspace:case.perpetrators')}: {a.involvements.map((i) => vocabLabel('perpetrator_type', i.perpetratorType, lang)).join(', ')}
                </p>
              ) : null}
              {a.victimStatus ? (
                <p>
                  {t('ui:case.victim_status')}: {vocabLabel('victim_status', a.victimStatus, lang)}
                </p>
              ) : null}
              {str(a.notes) ? <p>{str(a.notes)}</p> : null}
              {file.owner && props.canEdit ? (
                <p>
                  <a href={`/incidents/${inc.id}/acts/${a.id}/edit`}>
                    {t('workspace:case.edit_act')}
                    <span class="visually-hidden">: {vocabLabel('act_type', a.actType, lang)}</span>
                  </a>
                  {/* Two links on one card: each says whose history it is, not "History · History". */}
                  <RecordHistoryLink pc={pc} incidentId={inc.id} table="act" id={a.id} label={vocabLabel('act_type', a.actType, lang)} text={t('workspace:history.link_act')} />
                  {a.victim ? <RecordHistoryLink pc={pc} incidentId={inc.id} table="actor" id={a.victim.id} label={actorName(pc, a.victim)} text={t('workspace:history.link_victim')} /> : null}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('workspace:case.sources')}</h2>
      {file.sources.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul>
          {file.sources.map((s) => (
            <li>
              {vocabLabel('source_type', s.sourceType, lang)}
              {s.reliability ? ` · ${vocabLabel('reliability', s.reliability, lang)}` : ''}
              {str(s.identity) ? ` · ${str(s.identity)}` : ''}
              {str(s.url) ? (
                <>
                  {' · '}
                  <a href={str(s.url)} rel="noopener noreferrer nofollow">
                    {t('ui:case.source_link')}
                  </a>
                </>
              ) : null}
              {file.owner && props.canEdit ? (
                <>
                  {' · '}
                  <a href={`/incidents/${inc.id}/sources/${s.id}/edit`}>
                    {t('workspace:case.edit_source')}
                    <span class="visually-hidden">: {vocabLabel('source_type', s.sourceType, lang)}</span>
                  </a>
                  <RecordHistoryLink pc={pc} incidentId={inc.id} table="source" id={s.id} label={vocabLabel('source_type', s.sourceType, lang)} />
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('workspace:case.evidence')}</h2>
      {file.evidence.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul class="cards evidence">
          {file.evidence.map((e) => (
            <li class="card">
              <p>
                {file.owner ? <a href={`/evidence/${e.id}`}>{str(e.originalName) || String(e.mediaType)}</a> : String(e.mediaType)}
                {' · '}
                {String(e.mediaType)} · {size(e.sizeBytes)}
                {e.derivation ? ` · ${t('workspace:case.stripped_copy')}` : ''}
                {file.owner ? <RecordHistoryLink pc={pc} incidentId={inc.id} table="evidence" id={e.id} label={str(e.originalName) || String(e.mediaType)} /> : null}
              </p>
              <p class="meta sha">
                SHA-256: <code>{String(e.sha256)}</code>
              </p>
            </li>
          ))}
        </ul>
      )}
      {file.owner && props.canEdit ? (
        <details class="add-evidence">
          <summary>{t('workspace:case.add_evidence')}</summary>
          <UploadForm pc={pc} action={`/incidents/${inc.id}/evidence`} />
        </details>
      ) : null}
      <h2>{t('workspace:case.interventions')}</h2>
      {file.interventions.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul>
          {file.interventions.map((i) => (
            <li>
              {vocabLabel('intervention_type', i.interventionType, lang)}
              {str(i.byWhom) ? ` · ${str(i.byWhom)}` : ''}
              {str(i.reference) ? ` · ${str(i.reference)}` : ''}
              {i.response ? ` · ${vocabLabel('intervention_response', i.response, lang)}` : ''}
              {file.owner ? <RecordHistoryLink pc={pc} incidentId={inc.id} table="intervention" id={i.id} label={vocabLabel('intervention_type', i.interventionType, lang)} /> : null}
            </li>
          ))}
        </ul>
      )}
      {file.owner && props.canEdit ? (
        <p>
          <a href={`/incidents/${inc.id}/interventions/new`}>{t('workspace:case.add_intervention')}</a>
        </p>
      ) : null}
      <h2>{t('workspace:case.links')}</h2>
      {file.links.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul>
          {file.links.map((l) => (
            <li>
              {vocabLabel('incident_link_type', l.linkType, lang)}: <a href={`/incidents/${String(l.direction === 'from' ? l.toIncidentId : l.fromIncidentId)}`}>{l.otherTitle ?? ''}</a>
              {file.owner ? <RecordHistoryLink pc={pc} incidentId={inc.id} table="incident_link" id={l.id} label={vocabLabel('incident_link_type', l.linkType, lang)} /> : null}
            </li>
          ))}
        </ul>
      )}
      {file.owner && props.canEdit ? (
        <p>
          <a href={`/incidents/${inc.id}/links/new`}>{t('workspace:case.add_link')}</a>
        </p>
      ) : null}
      {file.owner && props.audience ? <CaseAudienceSection pc={pc} incidentId={inc.id} audience={props.audience} canShare={props.canShare} /> : null}
      {props.statements ? <UseInStatementForm pc={pc} incidentId={inc.id} statements={props.statements} /> : null}
    </Layout>
  );
}

function historyValue(pc: PageContext, field: string, v: unknown): string {
  if (v == null || v === '') return pc.t('workspace:field.empty');
  if (typeof v === 'boolean') return pc.t(v ? 'workspace:field.yes' : 'workspace:field.no');
  if (Array.isArray(v)) return v.join(', ');
  const vocabs: Record<string, Parameters<typeof vocabLabel>[0]> = {
    status: 'incident_status',
    actType: 'act_type',
    victimStatus: 'victim_status',
    detentionType: 'detention_type',
    perpetratorType: 'perpetrator_type',
    sourceType: 'source_type',
    interventionType: 'intervention_type',
    linkType: 'incident_link_type',
  };
  if (vocabs[field]) return vocabLabel(vocabs[field]!, v, pc.lang);
  if (field === 'visibility') return pc.t(`ui:visibility.${String(v)}`);
  if (field === 'country' && isCountry(String(v))) return countryName(String(v), pc.lang);
  if (field === 'subdivision' && isSubdivision(String(v))) return subdivisionName(String(v), pc.lang);
  if (/Date$/.test(field) && typeof v === 'string') return formatPartialDate(v, pc.lang);
  return String(v);
}

/** What changed in one version: a table of fields with their values before and after. */
export function HistoryChanges(props: { pc: PageContext; entry: PresentedHistoryEntry }) {
  const { pc } = props;
  const { t } = pc;
  const e = props.entry;
  return e.changes.length ? (
    <div class="table-wrap" tabindex={0} role="region" aria-label={t('workspace:history.version', { version: e.version })}>
      <table class="diff">
        <thead>
          <tr>
            <th scope="col">{t('workspace:history.field')}</th>
            <th scope="col">{t('workspace:history.before')}</th>
            <th scope="col">{t('workspace:history.after')}</th>
          </tr>
        </thead>
        <tbody>
          {e.changes.map((c) => (
            <tr>
              <th scope="row">{fieldLabel(pc, c.field)}</th>
              <td class="before">
                <del>{historyValue(pc, c.field, c.before)}</del>
              </td>
              <td class="after">
                <ins>{historyValue(pc, c.field, c.after)}</ins>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  ) : (
    <p class="muted">{t('workspace:history.no_changes')}</p>
  );
}

export function ActorPage(props: { pc: PageContext; who: Presented; acts: (Presented & { incidentTitle: string })[]; canEdit?: boolean; notice?: string | null }) {
  const { pc, who } = props;
  const { t, lang } = pc;
  const name = typeof who.name === 'string' ? who.name : t('workspace:actor.withheld');
  const title = t('workspace:actor.title', { name });
  return (
    <Layout pc={pc} title={title}>
      {props.notice ? (
        <p class="notice ok-notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h1>{title}</h1>
      {props.canEdit ? (
        <p>
          <a class="button secondary" href={`/actors/${who.id}/edit`}>
            {t('workspace:actor.edit')}
          </a>
        </p>
      ) : null}
      <dl class="facts">
        <dt>{t('workspace:actor.kind')}</dt>
        <dd>{t(`workspace:field.kind_${String(who.kind)}`)}</dd>
        <dt>{t('workspace:actor.sectors')}</dt>
        <dd>{((who.sectors as string[] | undefined) ?? []).map((s) => vocabLabel('defender_sector', s, lang)).join(', ') || '—'}</dd>
      </dl>
      <h2>{t('workspace:actor.timeline')}</h2>
      {props.acts.length === 0 ? (
        <p class="muted">{t('workspace:actor.none')}</p>
      ) : (
        <ol class="timeline">
          {props.acts.map((a) => (
            <li>
              <span class="when">{dateRangeLabel(a, lang) || t('workspace:list.no_date')}</span> <strong>{vocabLabel('act_type', a.actType, lang)}</strong> {t('workspace:actor.in_incident')}{' '}
              <a href={`/incidents/${String(a.incidentId)}`}>{a.incidentTitle}</a>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

export function EvidencePage(props: { pc: PageContext; evidence: Presented; custody: CustodyEntry[]; derivatives: Presented[]; incidentTitle: string; notice?: string | null }) {
  const { pc, evidence: e } = props;
  const { t, lang } = pc;
  return (
    <Layout pc={pc} title={t('workspace:evidence.title')}>
      {props.notice ? (
        <p class="notice ok-notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h1>{t('workspace:evidence.title')}</h1>
      <dl class="facts">
        <dt>{t('workspace:evidence.incident')}</dt>
        <dd>
          <a href={`/incidents/${String(e.incidentId)}`}>{props.incidentTitle}</a>
        </dd>
        <dt>{t('workspace:evidence.sha256')}</dt>
        <dd>
          <code class="sha">{String(e.sha256)}</code>
        </dd>
        <dt>{t('workspace:evidence.type')}</dt>
        <dd>{String(e.mediaType)}</dd>
        <dt>{t('workspace:evidence.size')}</dt>
        <dd>{t('workspace:evidence.size_value', { n: e.sizeBytes })}</dd>
        {str(e.originalName) ? (
          <>
            <dt>{t('workspace:evidence.original_name')}</dt>
            <dd>{str(e.originalName)}</dd>
          </>
        ) : null}
        {str(e.description) ? (
          <>
            <dt>{t('workspace:evidence.description')}</dt>
            <dd>{str(e.description)}</dd>
          </>
        ) : null}
        {e.derivedFrom ? (
          <>
            <dt>{t('workspace:evidence.derived')}</dt>
            <dd>
              <a href={`/evidence/${String(e.derivedFrom)}`}>{t('workspace:evidence.original')}</a>
            </dd>
          </>
        ) : null}
      </dl>
      {props.derivatives.length ? (
        <>
          <h2>{t('workspace:evidence.derivatives')}</h2>
          <ul>
            {props.derivatives.map((d) => (
              <li>
                <a href={`/evidence/${d.id}`}>{String(d.mediaType)}</a> · <code class="sha">{String(d.sha256)}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>
        <a class="button" href={`/evidence/${e.id}/download`} download>
          {t('workspace:evidence.download')}
        </a>
        <span class="hint">{t('workspace:evidence.download_hint')}</span>
      </p>
      <h2>{t('workspace:evidence.custody')}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('workspace:evidence.custody_when')}</th>
              <th scope="col">{t('workspace:evidence.custody_who')}</th>
              <th scope="col">{t('workspace:evidence.custody_what')}</th>
            </tr>
          </thead>
          <tbody>
            {props.custody.map((c) => (
              <tr>
                <td>{dateTimeLabel(c.at, lang, pc.timeZone)}</td>
                <td>{c.userName ?? '—'}</td>
                <td>{t(`workspace:evidence.action.${c.action.replace('.', '_')}`, { defaultValue: c.action })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
