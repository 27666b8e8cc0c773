import type { CaseFile } from '../../records/index.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { dateRangeLabel, placeLabel, vocabLabel } from '../format.js';

export function CasePage(props: { pc: PageContext; file: CaseFile }) {
  const { pc, file } = props;
  const { t, lang } = pc;
  const inc = file.incident;
  return (
    <Layout pc={pc} title={String(inc.title)}>
      <h1>{String(inc.title)}</h1>
      {!file.owner ? <p class="notice">{t('ui:case.shared_notice')}</p> : null}
      <dl class="facts">
        <dt>{t('ui:case.when')}</dt>
        <dd>{dateRangeLabel(inc, lang) || t('ui:case.unknown')}</dd>
        <dt>{t('ui:case.where')}</dt>
        <dd>{placeLabel(inc, lang) || t('ui:case.unknown')}</dd>
        <dt>{t('ui:case.status')}</dt>
        <dd>{vocabLabel('incident_status', inc.status, lang)}</dd>
        <dt>{t('ui:case.visibility')}</dt>
        <dd>{t(`ui:visibility.${String(inc.visibility)}`)}</dd>
        {inc.reprisal ? (
          <>
            <dt>{t('ui:case.reprisal')}</dt>
            <dd>{vocabLabel('international_mechanism', inc.reprisalMechanism, lang)}</dd>
          </>
        ) : null}
      </dl>
      {typeof inc.narrative === 'string' && inc.narrative ? (
        <>
          <h2>{t('ui:case.narrative')}</h2>
          {inc.narrative.split(/\n{2,}/).map((p) => (
            <p>{p}</p>
          ))}
        </>
      ) : null}
      <h2>{t('ui:case.acts', { count: file.acts.length })}</h2>
      {file.acts.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul class="cards">
          {file.acts.map((a) => (
            <li class="card">
              <h3>{vocabLabel('act_type', a.actType, lang)}</h3>
              <p class="meta">{[dateRangeLabel(a, lang), placeLabel(a, lang)].filter(Boolean).join(' · ')}</p>
              <p>
                {t('ui:case.victim')}:{' '}
                {a.victim
                  ? typeof a.victim.name === 'string'
                    ? a.victim.name
                    : t('ui:case.withheld')
                  : t('ui:case.unknown')}
                {a.victim && typeof a.victim.groupSize === 'number'
                  ? ` (${t('ui:case.group_size', { count: a.victim.groupSize })})`
                  : ''}
              </p>
              {a.involvements.length ? (
                <p>
                  {t('ui:case.perpetrators')}:{' '}
                  {a.involvements
                    .map((i) => vocabLabel('perpetrator_type', i.perpetratorType, lang))
                    .join(', ')}
                </p>
              ) : null}
              {a.victimStatus ? (
                <p>
                  {t('ui:case.victim_status')}: {vocabLabel('victim_status', a.victimStatus, lang)}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('ui:case.sources', { count: file.sources.length })}</h2>
      {file.sources.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul>
          {file.sources.map((s) => (
            <li>
              {vocabLabel('source_type', s.sourceType, lang)}
              {s.reliability ? ` · ${vocabLabel('reliability', s.reliability, lang)}` : ''}
              {typeof s.url === 'string' && s.url ? (
                <>
                  {' · '}
                  <a href={s.url} rel="noopener noreferrer nofollow">
                    {t('ui:case.source_link')}
                  </a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('ui:case.interventions', { count: file.interventions.length })}</h2>
      {file.interventions.length === 0 ? (
        <p class="muted">{t('ui:case.none')}</p>
      ) : (
        <ul>
          {file.interventions.map((i) => (
            <li>
              {vocabLabel('intervention_type', i.interventionType, lang)}
              {typeof i.byWhom === 'string' && i.byWhom ? ` · ${i.byWhom}` : ''}
              {typeof i.reference === 'string' && i.reference ? ` · ${i.reference}` : ''}
              {i.response ? ` · ${vocabLabel('intervention_response', i.response, lang)}` : ''}
            </li>
          ))}
        </ul>
      )}
      {file.links.length ? (
        <>
          <h2>{t('ui:case.links')}</h2>
          <ul>
            {file.links.map((l) => (
              <li>
                {vocabLabel('incident_link_type', l.linkType, lang)}:{' '}
                <a href={`/incidents/${String(l.direction === 'from' ? l.toIncidentId : l.fromIncidentId)}`}>
                  {l.otherTitle ?? ''}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Layout>
  );
}
