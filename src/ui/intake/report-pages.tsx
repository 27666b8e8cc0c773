/**
 * The reporter's pages: list of organisations, the report form, the receipt, the follow-up. One
 * small stylesheet and one optional script (the proof of work), nothing from another host, no
 * sign-in; every form works without JavaScript and at 320 px.
 */
import type { Child } from 'hono/jsx';
import { subdivisions } from '../../vocab/places.js';
import type { FieldIssue } from '../../shared/errors.js';
import { withLang, type PageContext } from '../page-context.js';
import { formatPartialDate } from '../../shared/dates.js';

export function ReportLayout(props: { pc: PageContext; title: string; children?: Child; script?: boolean }) {
  const { pc } = props;
  const other = pc.lang === 'es' ? 'en' : 'es';
  return (
    <html lang={pc.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/assets/report.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {pc.t('ui:skip_to_content')}
        </a>
        <header>
          <a href="/report">{pc.t('intake:site')}</a>
          <a href={withLang(pc.path, other)} hreflang={other} lang={other}>
            {pc.t(`common:lang.${other}`)}
          </a>
        </header>
        <main id="main">{props.children}</main>
        {props.script ? <script src="/assets/report.js" defer></script> : null}
      </body>
    </html>
  );
}

export function Guidance(props: { pc: PageContext; open?: boolean }) {
  const { t } = props.pc;
  return (
    <details class="guide" open={props.open}>
      <summary>{t('intake:guide.title')}</summary>
      <h2>{t('intake:guide.sees_title')}</h2>
      <p>{t('intake:guide.sees')}</p>
      <h2>{t('intake:guide.publish_title')}</h2>
      <p>{t('intake:guide.publish')}</p>
      <h2>{t('intake:guide.safe_title')}</h2>
      <ul>
        <li>{t('intake:guide.safe_1')}</li>
        <li>{t('intake:guide.safe_2')}</li>
        <li>{t('intake:guide.safe_3')}</li>
        <li>{t('intake:guide.safe_4')}</li>
      </ul>
    </details>
  );
}

export function OrganisationListPage(props: { pc: PageContext; orgs: { slug: string; name: string }[] }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <ReportLayout pc={pc} title={t('intake:list.title')}>
      <h1>{t('intake:list.title')}</h1>
      <p>{t('intake:list.lead')}</p>
      <Guidance pc={pc} open />
      {props.orgs.length ? (
        <ul class="orgs">
          {props.orgs.map((o) => (
            <li>
              <a href={`/report/${encodeURIComponent(o.slug)}`}>{o.name}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('intake:list.none')}</p>
      )}
      <p>
        <a href="/report/follow-up">{t('intake:list.follow_up')}</a>
      </p>
    </ReportLayout>
  );
}

export interface FormValues {
  [k: string]: string | undefined;
}

function Problems(props: { pc: PageContext; issues: FieldIssue[]; general?: string | null; extra?: string | null }) {
  const { t } = props.pc;
  if (!props.issues.length && !props.general) return null;
  return (
    <div class="problems" role="alert" tabindex={-1} id="problems">
      <p>{props.general ?? t('intake:form.problems')}</p>
      {props.issues.length ? (
        <ul>
          {props.issues.map((i) => (
            <li>
              <a href={`#f-${String(i.path[0])}`}>{t(i.key, i.values ?? {})}</a>
            </li>
          ))}
        </ul>
      ) : null}
      {props.extra ? <p>{props.extra}</p> : null}
    </div>
  );
}

/** Month names per language, made once: a date formatter costs more to make than the rest of the form. */
const months = new Map<string, readonly string[]>();
function monthNames(lang: 'es' | 'en'): readonly string[] {
  let names = months.get(lang);
  if (!names) {
    const f = new Intl.DateTimeFormat(lang === 'es' ? 'es-VE' : 'en-GB', { month: 'long', timeZone: 'UTC' });
    names = Array.from({ length: 12 }, (_, i) => f.format(new Date(Date.UTC(2000, i, 1))));
    months.set(lang, names);
  }
  return names;
}

const invalid = (issues: FieldIssue[], field: string) => (issues.some((i) => i.path[0] === field) ? 'true' : undefined);

export function ReportFormPage(props: {
  pc: PageContext;
  org: { slug: string; name: string; country: string };
  stamp: string;
  difficulty: number;
  values: FormValues;
  issues: FieldIssue[];
  general?: string | null;
  filesLost?: boolean;
  maxFiles: number;
  maxMb: number;
}) {
  const { pc, values: v, issues } = props;
  const { t } = pc;
  const states = subdivisions(props.org.country, pc.lang);
  const years = Array.from({ length: 30 }, (_, i) => String(new Date().getUTCFullYear() - i));
  const req = <span class="req">{t('intake:form.required')}</span>;
  return (
    <ReportLayout pc={pc} title={t('intake:form.title', { org: props.org.name })} script>
      <h1>{t('intake:form.title', { org: props.org.name })}</h1>
      <Guidance pc={pc} />
      <Problems pc={pc} issues={issues} general={props.general} extra={props.filesLost ? t('intake:form.files_again') : null} />
      <p>{t('intake:form.intro')}</p>
      <form method="post" action={`/report/${encodeURIComponent(props.org.slug)}`} enctype="multipart/form-data" data-stamp={props.stamp} data-difficulty={String(props.difficulty)} data-preparing={t('intake:form.preparing')}>
        <input type="hidden" name="_csrf" value={pc.csrf} />
        <input type="hidden" name="stamp" value={props.stamp} />
        <input type="hidden" name="proof" value="" />
        <div class="field">
          <label for="f-what">
            {t('intake:form.what')} {req}
          </label>
          <p class="hint" id="h-what">
            {t('intake:form.what_hint')}
          </p>
          <textarea id="f-what" name="what" rows={8} required aria-describedby="h-what" aria-invalid={invalid(issues, 'what')}>
            {v.what ?? ''}
          </textarea>
        </div>
        <fieldset>
          <legend>
            {t('intake:form.when')} {req}
          </legend>
          <p class="hint">{t('intake:form.when_hint')}</p>
          <div class="row">
            <div>
              <label for="f-year">{t('intake:form.year')}</label>
              <select id="f-year" name="year" aria-invalid={invalid(issues, 'year')}>
                <option value="">—</option>
                {years.map((y) => (
                  <option value={y} selected={v.year === y}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="f-month">{t('intake:form.month')}</label>
              <select id="f-month" name="month">
                <option value="">{t('intake:form.unknown')}</option>
                {Array.from({ length: 12 }, (_, i) => String(i + 1)).map((m) => (
                  <option value={m} selected={v.month === m}>
                    {monthNames(pc.lang)[Number(m) - 1]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="f-day">{t('intake:form.day')}</label>
              <select id="f-day" name="day">
                <option value="">{t('intake:form.unknown')}</option>
                {Array.from({ length: 31 }, (_, i) => String(i + 1)).map((d) => (
                  <option value={d} selected={v.day === d}>
                    {d}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p class="check">
            <input type="checkbox" id="f-approx" name="approximate" checked={v.approximate === 'on'} />
            <label for="f-approx">{t('intake:form.approximate')}</label>
          </p>
        </fieldset>
        <fieldset>
          <legend>{t('intake:form.where')}</legend>
          <label for="f-subdivision">{t('intake:form.state')}</label>
          <select id="f-subdivision" name="subdivision" aria-invalid={invalid(issues, 'subdivision')}>
            <option value="">{t('intake:form.state_none')}</option>
            {states.map((s) => (
              <option value={s.code} selected={v.subdivision === s.code}>
                {s.name}
              </option>
            ))}
          </select>
          <label for="f-placeDetail">{t('intake:form.place_detail')}</label>
          <p class="hint" id="h-place">
            {t('intake:form.place_detail_hint')}
          </p>
          <input id="f-placeDetail" name="placeDetail" maxlength={500} value={v.placeDetail ?? ''} aria-describedby="h-place" />
        </fieldset>
        <fieldset id="f-toWhom">
          <legend>
            {t('intake:form.to_whom')} {req}
          </legend>
          {(['me', 'someone', 'organisation'] as const).map((k) => (
            <p class="check">
              <input type="radio" id={`f-to-${k}`} name="toWhom" value={k} checked={v.toWhom === k} />
              <label for={`f-to-${k}`}>{t(`intake:form.to_whom_${k}`)}</label>
            </p>
          ))}
        </fieldset>
        <div class="field">
          <label for="f-whoAffected">{t('intake:form.who_affected')}</label>
          <p class="hint" id="h-who">
            {t('intake:form.who_affected_hint')}
          </p>
          <input id="f-whoAffected" name="whoAffected" maxlength={500} value={v.whoAffected ?? ''} aria-describedby="h-who" />
        </div>
        <div class="field">
          <label for="f-byWhom">{t('intake:form.by_whom')}</label>
          <p class="hint" id="h-by">
            {t('intake:form.by_whom_hint')}
          </p>
          <input id="f-byWhom" name="byWhom" maxlength={500} value={v.byWhom ?? ''} aria-describedby="h-by" />
        </div>
        <fieldset>
          <legend>{t('intake:form.contact')}</legend>
          <p class="check">
            <input type="radio" id="f-contact-code" name="contact" value="code" checked={v.contact !== 'other'} />
            <label for="f-contact-code">{t('intake:form.contact_code')}</label>
          </p>
          <p class="check">
            <input type="radio" id="f-contact-other" name="contact" value="other" checked={v.contact === 'other'} />
            <label for="f-contact-other">{t('intake:form.contact_other')}</label>
          </p>
          <label for="f-contactDetail">{t('intake:form.contact_detail')}</label>
          <p class="hint" id="h-contact">
            {t('intake:form.contact_detail_hint')}
          </p>
          <input id="f-contactDetail" name="contactDetail" maxlength={500} value={v.contactDetail ?? ''} aria-describedby="h-contact" aria-invalid={invalid(issues, 'contactDetail')} />
        </fieldset>
        <div class="hp" aria-hidden="true">
          <label for="f-website">{t('intake:form.honeypot')}</label>
          <input id="f-website" name="website" tabindex={-1} autocomplete="off" value="" />
        </div>
        <div class="field">
          <label for="f-files">{t('intake:form.files')}</label>
          <p class="hint" id="h-files">
            {t('intake:form.files_hint', { max: props.maxFiles, mb: props.maxMb })}
          </p>
          <input type="file" id="f-files" name="files" multiple aria-describedby="h-files" accept="image/jpeg,image/png,image/webp,image/gif,application/pdf,video/mp4,audio/mpeg,audio/mp4,audio/ogg,.docx,.odt,.txt" />
        </div>
        <p>
          <button type="submit">{t('intake:form.send')}</button>
        </p>
        <p class="status" role="status" aria-live="polite"></p>
      </form>
    </ReportLayout>
  );
}

export function ReceiptPage(props: { pc: PageContext; code: string; day: string }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <ReportLayout pc={pc} title={t('intake:receipt.title')}>
      <h1>{t('intake:receipt.title')}</h1>
      <p>{t('intake:receipt.lead', { date: formatPartialDate(props.day, pc.lang) })}</p>
      <p class="code-label" id="code-label">
        {t('intake:receipt.code_label')}
      </p>
      <p class="code" aria-labelledby="code-label">
        <code>{props.code}</code>
      </p>
      <p>
        {t('intake:receipt.how')} <a href="/report/follow-up">/report/follow-up</a>.
      </p>
      <p>{t('intake:receipt.lost')}</p>
      <p>{t('intake:receipt.done')}</p>
    </ReportLayout>
  );
}

export function FollowUpPage(props: {
  pc: PageContext;
  code?: string;
  error?: string | null;
  notice?: string | null;
  issues?: FieldIssue[];
  view?: { receivedOn: string; status: string; messages: { seq: number; author: string; kind: string; sentOn: string; text: string | null }[] };
}) {
  const { pc, view } = props;
  const { t } = pc;
  const day = (d: string) => formatPartialDate(d, pc.lang);
  return (
    <ReportLayout pc={pc} title={t('intake:follow.title')}>
      <h1>{t('intake:follow.title')}</h1>
      {props.error ? (
        <div class="problems" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {!view ? (
        <form method="post" action="/report/follow-up">
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <p>{t('intake:follow.lead')}</p>
          <label for="f-code">{t('intake:follow.code')}</label>
          <textarea id="f-code" name="code" rows={3} autocomplete="off" autocapitalize="none" spellcheck={false} required></textarea>
          <p>
            <button type="submit">{t('intake:follow.open')}</button>
          </p>
        </form>
      ) : (
        <>
          <p>{t('intake:follow.received', { date: day(view.receivedOn) })}</p>
          <p>{t(`intake:follow.status_${view.status}`)}</p>
          <h2>{t('intake:follow.thread')}</h2>
          {view.messages.length === 0 ? <p>{t('intake:follow.none')}</p> : null}
          <ol class="thread">
            {view.messages.map((m) =>
              m.author === 'staff' ? (
                <li class="staff">
                  <p class="meta">
                    {t('intake:follow.from_org', { date: day(m.sentOn) })}
                    {m.kind === 'request' ? <strong> · {t('intake:follow.request_tag')}</strong> : null}
                  </p>
                  <p class="text">{m.text}</p>
                </li>
              ) : (
                <li class="mine">
                  <p class="meta">{t('intake:follow.you_added', { date: day(m.sentOn) })}</p>
                </li>
              ),
            )}
          </ol>
          <form method="post" action="/report/follow-up/add">
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <input type="hidden" name="code" value={props.code ?? ''} />
            <h2>
              <label for="f-message">{t('intake:follow.add')}</label>
            </h2>
            <p class="hint" id="h-message">
              {t('intake:follow.add_hint')}
            </p>
            <textarea id="f-message" name="message" rows={6} required aria-describedby="h-message"></textarea>
            <p>
              <button type="submit">{t('intake:follow.send')}</button>
            </p>
          </form>
          <p>
            <a href="/report/follow-up">{t('intake:follow.leave')}</a>
          </p>
        </>
      )}
    </ReportLayout>
  );
}
