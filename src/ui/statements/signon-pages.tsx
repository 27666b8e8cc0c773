/**
 * Sign-on pages of an organisation on the platform: the invitations addressed to it, one invitation
 * (the full text of every language version, the cited cases it may see, the deadline in its time
 * zone with the zone named, the signer's name from their account), and the coordinator's
 * confirmation before publishing at once. Plain forms: everything works without JavaScript.
 */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { formatPartialDate } from '../../shared/dates.js';
import type { InvitationView, StatementEditorView } from '../../statements/index.js';
import { countName } from '../../trends/index.js';
import { dateTimeLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { languageName } from '../public/statement-page.js';

const when = (d: Date | null | undefined, pc: PageContext) => (d ? dateTimeLabel(new Date(d).toISOString(), pc.lang, pc.timeZone) : '');
const signable = (status: string, statementStatus: string) => (status === 'invited' || status === 'opened') && (statementStatus === 'open' || statementStatus === 'scheduled');

function Csrf(props: { pc: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.pc.csrf} />;
}

function Field(props: { id: string; label: string; hint?: string; children: Child }) {
  return (
    <p class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? <span class="hint">{props.hint}</span> : null}
    </p>
  );
}

export interface InvitationListItem {
  id: string;
  status: string;
  names: Record<string, string>;
  statementStatus: string;
  signDeadline: Date | null;
  coordinator: string;
  versions: { lang: string; title: string; lead: string }[];
}

export function InvitationsPage(props: { pc: PageContext; items: InvitationListItem[] }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('statements:invitations.title')}>
      <h1>{t('statements:invitations.title')}</h1>
      {props.items.length === 0 ? <p class="muted">{t('statements:invitations.empty')}</p> : null}
      <ul class="cards">
        {props.items.map((inv) => {
          const v = inv.versions.find((x) => x.lang === pc.lang) ?? inv.versions[0];
          return (
            <li class="card">
              <h2>
                <a href={`/coordinate/invitations/${inv.id}`}>{v?.title}</a>
              </h2>
              <p class="muted">
                {t('statements:invitations.from', { name: inv.coordinator })} · {t(`statements:sig_status.${inv.status}`)}
                {inv.signDeadline ? ` · ${t('statements:invitations.deadline', { when: when(inv.signDeadline, pc) })}` : ''}
              </p>
              <p>{v?.lead}</p>
              <p>
                <a href={`/coordinate/invitations/${inv.id}`}>{signable(inv.status, inv.statementStatus) ? t('statements:platform.read_and_sign') : t('statements:platform.read')}</a>
              </p>
            </li>
          );
        })}
      </ul>
    </Layout>
  );
}

export function InvitationPage(props: { pc: PageContext; inv: InvitationView }) {
  const { pc, inv } = props;
  const { t } = pc;
  const first = inv.versions.find((x) => x.lang === pc.lang) ?? inv.versions[0];
  const canSign = signable(inv.status, inv.statementStatus);
  const action = `/coordinate/invitations/${inv.id}`;
  return (
    <Layout pc={pc} title={first?.title ?? t('statements:invitations.title')}>
      <p>
        <a href="/coordinate/invitations">← {t('statements:invitations.title')}</a>
      </p>
      <h1>{first?.title}</h1>
      <p class="muted">
        {t('statements:invitations.from', { name: inv.coordinator })} · {t(`statements:sig_status.${inv.status}`)}
      </p>
      <p>
        <strong>
          {inv.signDeadline ? t('statements:platform.deadline', { when: when(inv.signDeadline, pc) }) : t('statements:platform.no_deadline')}
        </strong>
      </p>
      {inv.versions.length > 1 ? (
        <nav aria-label={t('statements:platform.versions')}>
          <p>
            {t('statements:platform.versions_intro', { count: inv.versions.length })}{' '}
            {inv.versions.map((v, i) => (
              <>
                {i ? ' · ' : ''}
                <a href={`#text-${v.lang}`}>{languageName(v.lang, pc.lang)}</a>
              </>
            ))}
          </p>
        </nav>
      ) : null}
      {inv.versions.map((v) => (
        <article id={`text-${v.lang}`} lang={v.lang} aria-labelledby={`title-${v.lang}`} class="statement-text">
          <h2 id={`title-${v.lang}`}>
            {v.title} <span class="muted">({languageName(v.lang, pc.lang)})</span>
          </h2>
          {v.lead ? <p class="lead">{v.lead}</p> : null}
          <div>{raw(v.bodyHtml)}</div>
        </article>
      ))}
      <section aria-labelledby="h-cases">
        <h2 id="h-cases">{t('statements:platform.cases')}</h2>
        {inv.cases.length === 0 && inv.hiddenCases === 0 ? <p class="muted">{t('statements:platform.no_cases')}</p> : null}
        {inv.cases.length ? (
          <ul>
            {inv.cases.map((c) => {
              const label = [c.startDate ? formatPartialDate(c.startDate, pc.lang) : '', c.country ? countName(c.country, pc.lang) : ''].filter(Boolean).join(' · ');
              return (
                <li>
                  {c.id ? <a href={`/incidents/${c.id}`}>{c.title}</a> : c.title}
                  {label ? <span class="muted"> — {label}</span> : null}
                  {c.public ? <span class="muted"> · {t('statements:platform.case_public')}</span> : <span class="muted"> · {t('statements:platform.case_shared')}</span>}
                </li>
              );
            })}
          </ul>
        ) : null}
        {inv.hiddenCases ? <p class="muted">{t(inv.hiddenCases === 1 ? 'statements:platform.hidden_cases_one' : 'statements:platform.hidden_cases', { count: inv.hiddenCases })}</p> : null}
      </section>
      {canSign ? (
        <section aria-labelledby="h-sign">
          <h2 id="h-sign">{t('statements:platform.sign_title')}</h2>
          <form method="post" action={action} class="stack">
            <Csrf pc={pc} />
            <p>{t('statements:platform.signer', { name: inv.signerName })}</p>
            {inv.versions.map((x) => (
              <Field id={`name-${x.lang}`} label={t('public:sign.name_in', { language: languageName(x.lang, pc.lang) })}>
                <input id={`name-${x.lang}`} name={`name_${x.lang}`} value={inv.names[x.lang] ?? Object.values(inv.names)[0] ?? ''} />
              </Field>
            ))}
            <p class="check">
              <input id="authority" name="authority" type="checkbox" value="on" required />
              <label for="authority">{t('public:sign.authority')}</label>
            </p>
            <p>
              <button type="submit" name="answer" value="sign">
                {t('public:sign.submit')}
              </button>
            </p>
          </form>
          <form method="post" action={action}>
            <Csrf pc={pc} />
            <button type="submit" name="answer" value="decline" class="secondary">
              {t('public:sign.decline')}
            </button>
          </form>
        </section>
      ) : null}
      {inv.status === 'signed' && (inv.statementStatus === 'open' || inv.statementStatus === 'scheduled') ? (
        <form method="post" action={action}>
          <Csrf pc={pc} />
          <button type="submit" name="answer" value="withdraw" class="secondary">
            {t('public:withdraw.submit')}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

/** "Publish now" asks first: what publishing does, then one button that does it. */
export function PublishConfirmPage(props: { pc: PageContext; s: StatementEditorView }) {
  const { pc, s } = props;
  const { t } = pc;
  const base = `/coordinate/statements/${s.id}`;
  const title = s.versions.find((v) => v.lang === s.sourceLang)?.title ?? s.slug;
  const signed = s.signatories.filter((g) => g.status === 'signed').length;
  const waiting = s.signatories.filter((g) => g.status === 'invited' || g.status === 'opened').length;
  return (
    <Layout pc={pc} title={t('statements:platform.publish_title', { title })}>
      <h1>{t('statements:platform.publish_title', { title })}</h1>
      <p>{t('statements:platform.publish_what', { count: s.versions.length })}</p>
      <p>{t('statements:platform.publish_signed', { count: signed })}</p>
      {waiting ? <p class="notice">{t('statements:platform.publish_waiting', { count: waiting })}</p> : null}
      <form method="post" action={`${base}/status`}>
        <Csrf pc={pc} />
        <input type="hidden" name="to" value="published" />
        <input type="hidden" name="confirm" value="yes" />
        <p>
          <button type="submit">{t('statements:platform.publish_confirm')}</button> <a href={base}>{t('statements:platform.publish_cancel')}</a>
        </p>
      </form>
    </Layout>
  );
}
