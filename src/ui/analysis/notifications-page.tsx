/** In-app notifications of followed countries and act types, newest first. */
import type { Follow, NotificationItem } from '../../trends/index.js';
import { countName } from '../../trends/index.js';
import { dateTimeLabel, vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

function topic(pc: PageContext, country: unknown, actType: unknown): string {
  const parts = [
    typeof actType === 'string' && actType ? vocabLabel('act_type', actType, pc.lang) : '',
    typeof country === 'string' && country ? countName(country, pc.lang) : '',
  ].filter(Boolean);
  return parts.join(', ');
}

export function NotificationsPage(props: { pc: PageContext; items: NotificationItem[]; follows: Follow[] }) {
  const { pc, items } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('analysis:notifications.title')}>
      <h1>{t('analysis:notifications.title')}</h1>
      {items.length === 0 ? (
        <p class="muted">{t('analysis:notifications.none')}</p>
      ) : (
        <>
          <form method="post" action="/notifications/read" class="inline">
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <button type="submit" class="button secondary">
              {t('analysis:notifications.mark_read')}
            </button>
          </form>
          <ul class="cards">
            {items.map((n) => {
              const p = n.payload;
              const what = topic(pc, p.country, p.actType);
              const whatText = what ? t('analysis:notifications.what', { what }) : '';
              return (
                <li class="card">
                  <p>
                    {n.readAt ? null : <span class="tag">{t('analysis:notifications.unread')}</span>}{' '}
                    {n.kind === 'new_report'
                      ? t('intake:notice.new_report')
                      : n.kind === 'statement_invitation' || n.kind === 'coalition_invitation'
                        ? n.subject
                          ? t(`coalitions:notice.${n.kind}_named`, { by: n.subject.by, title: n.subject.title })
                          : t(`coalitions:notice.${n.kind}`)
                        : n.kind === 'escalation'
                          ? t('analysis:notifications.escalation', {
                              what: whatText,
                              sentence: String(p.sentence ?? ''),
                            })
                          : t('analysis:notifications.new_incident', {
                              what: whatText,
                              title: typeof p.more === 'number' ? `+${p.more}` : String(p.title ?? ''),
                            })}
                  </p>
                  <p class="meta">
                    {dateTimeLabel(new Date(n.createdAt).toISOString(), pc.lang, pc.timeZone)}
                    {n.kind === 'new_report' && typeof p.reportId === 'string' ? (
                      <>
                        {' · '}
                        <a href={`/intake/reports/${p.reportId}`}>{t('analysis:notifications.open')}</a>
                      </>
                    ) : null}
                    {n.kind === 'statement_invitation' && typeof p.signatoryId === 'string' ? (
                      <>
                        {' · '}
                        <a href={`/coordinate/invitations/${p.signatoryId}`}>
                          {t('analysis:notifications.open')}
                        </a>
                      </>
                    ) : null}
                    {n.kind === 'coalition_invitation' && typeof p.coalitionId === 'string' ? (
                      <>
                        {' · '}
                        <a href={`/coalitions/${p.coalitionId}`}>{t('analysis:notifications.open')}</a>
                      </>
                    ) : null}
                    {typeof p.incidentId === 'string' ? (
                      <>
                        {' · '}
                        <a href={`/incidents/${p.incidentId}`}>{t('analysis:notifications.open')}</a>
                      </>
                    ) : null}
                  </p>
                </li>
              );
            })}
          </ul>
        </>
      )}
      {/* Following counts is for those who may see the analysis; a focal point sees only invitations. */}
      {pc.user?.role === 'signatory' ? null : (
        <>
          <h2>{t('analysis:notifications.follows_heading')}</h2>
          {props.follows.length === 0 ? (
            <p class="muted">{t('analysis:notifications.no_follows')}</p>
          ) : (
            <ul>
              {props.follows.map((f) => (
                <li>
                  <a
                    href={`/analysis?country=${encodeURIComponent(f.country ?? 'VE')}${f.actType ? `&act_type=${encodeURIComponent(f.actType)}` : ''}`}
                  >
                    {topic(pc, f.country, f.actType) || t('analysis:notifications.any')}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Layout>
  );
}
