/** The organisation's side of the public intake: the moderation queue, one report, the setting. */
import type { QueueFilter, QueueItem, StaffReport } from '../../intake/index.js';
import { formatPartialDate } from '../../shared/dates.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { placeLabel } from '../format.js';
import { reportDate } from '../../intake/index.js';

export function OpenReportsBanner(props: { pc: PageContext; count: number | null }) {
  const { pc, count } = props;
  if (!count) return null;
  return (
    <p class="notice">
      {pc.t('intake:queue.open_count', { count })} <a href="/intake/reports">{pc.t('intake:queue.open_link')}</a>
    </p>
  );
}

export function QueuePage(props: { pc: PageContext; filter: QueueFilter; items: QueueItem[] }) {
  const { pc, items } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('intake:queue.title')}>
      <h1>{t('intake:queue.title')}</h1>
      <p>{t('intake:queue.lead')}</p>
      <nav aria-label={t('intake:queue.title')}>
        <ul class="inline-list">
          {(['open', 'spam', 'case'] as const).map((f) => (
            <li>
              <a href={`/intake/reports?status=${f}`} aria-current={f === props.filter ? 'page' : undefined}>
                {t(`intake:queue.filter_${f}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {items.length === 0 ? (
        <p class="muted">{t('intake:queue.none')}</p>
      ) : (
        <ul class="cards">
          {items.map((r) => (
            <li class="card">
              <p>
                <a href={`/intake/reports/${r.id}`}>{t('intake:queue.received', { date: formatPartialDate(r.receivedOn, pc.lang) })}</a>{' '}
                <span class="tag">{t(`intake:queue.status.${r.status}`)}</span>
                {r.reporterWaiting && r.status !== 'spam' ? <span class="tag">{t('intake:queue.waiting')}</span> : null}
              </p>
              <p>{r.summary}</p>
              {r.files ? <p class="meta">{t('intake:queue.files', { count: r.files })}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function ReportPage(props: { pc: PageContext; report: StaffReport; notice?: string | null; canCreate: boolean }) {
  const { pc, report: r } = props;
  const { t } = pc;
  const day = (d: string) => formatPartialDate(d, pc.lang);
  const b = r.body;
  const notGiven = <span class="muted">{t('intake:report.not_given')}</span>;
  const when = reportDate(b);
  return (
    <Layout pc={pc} title={t('intake:report.title', { date: day(r.receivedOn) })}>
      <p>
        <a href="/intake/reports">{t('intake:queue.title')}</a>
      </p>
      <h1>{t('intake:report.title', { date: day(r.receivedOn) })}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <p>
        <span class="tag">{t(`intake:queue.status.${r.status}`)}</span>
        {r.caseId ? (
          <>
            {' '}
            <a href={`/incidents/${r.caseId}`}>{t('intake:report.case_link')}</a>
          </>
        ) : null}
      </p>
      <h2>{t('intake:report.what')}</h2>
      <p class="prewrap">{b.what}</p>
      <dl>
        <dt>{t('intake:report.when')}</dt>
        <dd>
          {when ? formatPartialDate(when, pc.lang) : notGiven} {b.when.approximate ? t('intake:report.approximate') : ''}
        </dd>
        <dt>{t('intake:report.where')}</dt>
        <dd>{placeLabel({ placeName: b.place.detail, subdivision: b.place.subdivision, country: b.place.country }, pc.lang) || notGiven}</dd>
        <dt>{t('intake:report.to_whom')}</dt>
        <dd>{t(`intake:form.to_whom_${b.toWhom}`)}</dd>
        <dt>{t('intake:report.who_affected')}</dt>
        <dd>{b.whoAffected || notGiven}</dd>
        <dt>{t('intake:report.by_whom')}</dt>
        <dd>{b.byWhom || notGiven}</dd>
        <dt>{t('intake:report.contact')}</dt>
        <dd>{b.contact.mode === 'other' ? b.contact.detail : t('intake:report.contact_code')}</dd>
      </dl>
      {r.files.length ? (
        <>
          <h2>{t('intake:report.files')}</h2>
          <ul class="cards">
            {r.files.map((f) => (
              <li class="card">
                {f.clean ? (
                  <figure>
                    <img class="report-photo" src={`/intake/reports/${r.id}/files/${f.id}/clean`} alt={t('intake:report.clean_copy')} />
                    <figcaption>{t('intake:report.clean_copy')}</figcaption>
                  </figure>
                ) : (
                  <p class="muted">{t('intake:report.no_clean')}</p>
                )}
                <p class="meta">
                  {f.mediaType} · {Math.ceil(f.sizeBytes / 1024)} KB · {t('intake:report.sha')}: <code>{f.sha256.slice(0, 16)}…</code>
                </p>
                <p>
                  <a href={`/intake/reports/${r.id}/files/${f.id}/original`}>{t('intake:report.original')}</a>
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{t('intake:report.thread')}</h2>
      {r.messages.length === 0 ? <p class="muted">{t('intake:follow.none')}</p> : null}
      <ol class="cards">
        {r.messages.map((m) => (
          <li class="card">
            <p class="meta">
              {m.author === 'reporter' ? t('intake:report.reporter', { date: day(m.sentOn) }) : t('intake:report.staff', { name: m.userName ?? '', date: day(m.sentOn) })}
              {m.kind === 'request' ? <strong> · {t('intake:follow.request_tag')}</strong> : null}
            </p>
            <p class="prewrap">{m.text}</p>
          </li>
        ))}
      </ol>
      {r.status !== 'spam' ? (
        <form method="post" action={`/intake/reports/${r.id}/answer`}>
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <label for="answer">{t('intake:report.answer')}</label>
          <p class="hint" id="answer-hint">
            {t('intake:report.answer_hint')}
          </p>
          <textarea id="answer" name="message" rows={5} required aria-describedby="answer-hint"></textarea>
          <p>
            <button type="submit" name="kind" value="reply">
              {t('intake:report.reply')}
            </button>{' '}
            <button type="submit" name="kind" value="request" class="secondary">
              {t('intake:report.request')}
            </button>
          </p>
        </form>
      ) : null}
      {r.status !== 'case' && r.status !== 'spam' && props.canCreate ? (
        <form method="post" action={`/intake/reports/${r.id}/case`}>
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <p class="hint">{t('intake:report.to_case_hint')}</p>
          <button type="submit">{t('intake:report.to_case')}</button>
        </form>
      ) : null}
      {r.status !== 'case' ? (
        <form method="post" action={`/intake/reports/${r.id}/spam`}>
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <input type="hidden" name="spam" value={r.status === 'spam' ? '0' : '1'} />
          <p>
            <button type="submit" class="secondary">
              {r.status === 'spam' ? t('intake:report.unspam') : t('intake:report.spam')}
            </button>
          </p>
        </form>
      ) : null}
    </Layout>
  );
}

export function IntakeSettingsPage(props: { pc: PageContext; acceptsReports: boolean; dailyCap: number; slug: string; notice?: string | null; error?: string | null }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('intake:settings.title')}>
      <h1>{t('intake:settings.title')}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/intake/settings">
        <input type="hidden" name="_csrf" value={pc.csrf} />
        <p>
          <input type="checkbox" id="accepts" name="acceptsReports" checked={props.acceptsReports} /> <label for="accepts">{t('intake:settings.accepts')}</label>
        </p>
        <label for="cap">{t('intake:settings.cap')}</label>
        <p class="hint" id="cap-hint">
          {t('intake:settings.cap_hint')}
        </p>
        <input id="cap" name="dailyCap" inputmode="numeric" value={String(props.dailyCap)} aria-describedby="cap-hint" />
        <p>
          <button type="submit">{t('intake:settings.save')}</button>
        </p>
      </form>
      <p>
        {t('intake:settings.address')} <code>/report/{props.slug}</code>
      </p>
    </Layout>
  );
}
