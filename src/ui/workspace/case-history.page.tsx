/** The history of a whole case (every change to it and to each of its records) and of one of its records. */
import type { CaseHistoryEntry, CaseRecordTable, Presented, PresentedHistoryEntry } from '../../records/index.js';
import { dateTimeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { HistoryChanges } from './case.page.js';

/** A record named for a reader: its kind and what tells it apart (type, name, title). */
export function recordLabel(pc: PageContext, table: CaseRecordTable, r: Presented): string {
  const kind = pc.t(`workspace:history.kind.${table}`);
  const what = (() => {
    switch (table) {
      case 'incident':
        return String(r.title ?? '');
      case 'act':
        return vocabLabel('act_type', r.actType, pc.lang);
      case 'actor':
        return typeof r.name === 'string' ? r.name : '';
      case 'involvement':
        return vocabLabel('perpetrator_type', r.perpetratorType, pc.lang);
      case 'source':
        return vocabLabel('source_type', r.sourceType, pc.lang);
      case 'evidence':
        return typeof r.originalName === 'string' ? r.originalName : '';
      case 'intervention':
        return vocabLabel('intervention_type', r.interventionType, pc.lang);
      case 'incident_link':
        return vocabLabel('incident_link_type', r.linkType, pc.lang);
    }
  })();
  return what ? `${kind} «${what}»` : kind;
}

function EntryMeta(props: { pc: PageContext; e: PresentedHistoryEntry; names: Map<string, string> }) {
  const { pc, e } = props;
  return (
    <>
      <p class="meta">
        {dateTimeLabel(e.changedAt, pc.lang, pc.timeZone)} · {pc.t('workspace:history.by', { who: (e.changedBy && props.names.get(e.changedBy)) || '—' })}
      </p>
      <p>
        <strong>{pc.t('workspace:history.reason')}:</strong> {e.reason || pc.t('workspace:history.no_reason')}
      </p>
    </>
  );
}

export const recordHistoryHref = (incidentId: string, table: CaseRecordTable, id: string) => `/incidents/${incidentId}/history/${table}/${id}`;

export function CaseHistoryPage(props: { pc: PageContext; incident: Presented; entries: CaseHistoryEntry[]; names: Map<string, string> }) {
  const { pc, incident } = props;
  const { t } = pc;
  const title = t('workspace:history.title', { title: String(incident.title) });
  return (
    <Layout pc={pc} title={title}>
      <p>
        <a href={`/incidents/${incident.id}`}>{t('workspace:history.back')}</a>
      </p>
      <h1>{title}</h1>
      <p class="hint">{t('workspace:history.case_intro')}</p>
      <ol class="history">
        {props.entries.map((e) => (
          <li>
            <h2>
              {recordLabel(pc, e.table, e.record)} · {t('workspace:history.version', { version: e.version })}: {t(`workspace:history.action.${e.action}`)}
            </h2>
            <EntryMeta pc={pc} e={e} names={props.names} />
            <HistoryChanges pc={pc} entry={e} />
            <p>
              <a href={recordHistoryHref(incident.id, e.table, e.recordId)}>{t('workspace:history.record_link', { record: recordLabel(pc, e.table, e.record) })}</a>
            </p>
          </li>
        ))}
      </ol>
    </Layout>
  );
}

export function RecordHistoryPage(props: { pc: PageContext; incident: Presented; table: CaseRecordTable; record: Presented; entries: PresentedHistoryEntry[]; names: Map<string, string> }) {
  const { pc, incident } = props;
  const { t } = pc;
  const title = t('workspace:history.record_title', { record: recordLabel(pc, props.table, props.record) });
  return (
    <Layout pc={pc} title={title}>
      <p>
        <a href={`/incidents/${incident.id}/history`}>{t('workspace:history.back_case', { title: String(incident.title) })}</a>
      </p>
      <h1>{title}</h1>
      <ol class="history" reversed>
        {[...props.entries].reverse().map((e) => (
          <li>
            <h2>
              {t('workspace:history.version', { version: e.version })}: {t(`workspace:history.action.${e.action}`)}
            </h2>
            <EntryMeta pc={pc} e={e} names={props.names} />
            <HistoryChanges pc={pc} entry={e} />
          </li>
        ))}
      </ol>
    </Layout>
  );
}
