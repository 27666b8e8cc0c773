/**
 * Pages reached without signing in: sign-on links, withdrawal links, open sign-on and the notices
 * for links and statements that cannot be used (embargoed, expired, used, past the deadline …).
 * Notices show nothing of a statement that is not public.
 */
import { t, type Lang } from '../../shared/i18n/index.js';
import type { LinkState, LinkView } from '../../statements/index.js';
import { renderDocument } from '../render.js';
import { PublicLayout } from './public-layout.js';
import { languageName } from './statement-page.js';

function head(ui: Lang, title: string, path: string, baseUrl: string) {
  return { lang: ui, ui, title: `${title} · ${t(ui, 'public:site_name')}`, description: title, canonical: `${baseUrl.replace(/\/$/, '')}${path}`, noindex: true };
}

/** A clear page for a state that changes nothing: its title and one explanation, in the reader's language. */
export function renderNotice(ui: Lang, state: LinkState | 'embargoed' | 'missing' | 'signed' | 'declined_ok' | 'withdrawn_ok' | 'already_withdrawn' | 'requested' | 'confirmed', path: string, baseUrl: string): string {
  const title = t(ui, `public:notice.${state}.title`);
  return renderDocument(
    <PublicLayout head={head(ui, title, path, baseUrl)}>
      <h1>{title}</h1>
      <p>{t(ui, `public:notice.${state}.text`)}</p>
      <p>
        <a href="/statements">{t(ui, 'public:all_statements')}</a>
      </p>
    </PublicLayout>,
  );
}

export function renderSignForm(ui: Lang, view: LinkView, token: string, csrf: string, path: string, baseUrl: string): string {
  const title = t(ui, 'public:sign.title');
  const languages = view.languages ?? [];
  return renderDocument(
    <PublicLayout head={head(ui, title, path, baseUrl)}>
      <h1>{title}</h1>
      <p class="kicker">{t(ui, 'public:sign.statement')}</p>
      <h2>{view.title}</h2>
      {view.lead ? <p class="lead">{view.lead}</p> : null}
      {view.versionSlugs?.length ? (
        <p>
          {t(ui, 'public:sign.read_full')}{' '}
          {view.versionSlugs.map((v) => (
            <a class="lang-link" href={`/sign/${token}/text/${v.lang}`} hreflang={v.lang} lang={v.lang}>
              {languageName(v.lang, v.lang)}
            </a>
          ))}
        </p>
      ) : null}
      <form method="post" action={`/sign/${token}`} class="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <p>
          <label for="signerName">{t(ui, 'public:sign.signer_name')}</label>
          <input id="signerName" name="signerName" required autocomplete="name" maxlength={200} />
          <span class="hint">{t(ui, 'public:sign.signer_hint')}</span>
        </p>
        <fieldset>
          <legend>{t(ui, 'public:sign.display_names')}</legend>
          {languages.map((l) => (
            <p>
              <label for={`name_${l}`}>{t(ui, 'public:sign.name_in', { language: languageName(l, ui) })}</label>
              <input id={`name_${l}`} name={`name_${l}`} value={view.names?.[l] ?? view.names?.[view.inviteLang ?? ''] ?? ''} maxlength={200} />
            </p>
          ))}
        </fieldset>
        <p class="check">
          <input id="authority" name="authority" type="checkbox" value="on" required />
          <label for="authority">{t(ui, 'public:sign.authority')}</label>
        </p>
        <p>
          <button type="submit">{t(ui, 'public:sign.submit')}</button>
        </p>
      </form>
      <form method="post" action={`/sign/${token}/decline`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <p>
          <button type="submit" class="secondary">
            {t(ui, 'public:sign.decline')}
          </button>
        </p>
      </form>
    </PublicLayout>,
  );
}

export function renderWithdrawForm(ui: Lang, view: LinkView, token: string, csrf: string, path: string, baseUrl: string): string {
  const title = t(ui, 'public:withdraw.title');
  return renderDocument(
    <PublicLayout head={head(ui, title, path, baseUrl)}>
      <h1>{title}</h1>
      <p>{t(ui, 'public:withdraw.text', { title: view.title ?? '' })}</p>
      <form method="post" action={`/sign/withdraw/${token}`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <p>
          <button type="submit">{t(ui, 'public:withdraw.submit')}</button>
        </p>
      </form>
    </PublicLayout>,
  );
}

export function renderConfirmForm(ui: Lang, token: string, csrf: string, path: string, baseUrl: string): string {
  const title = t(ui, 'public:confirm.title');
  return renderDocument(
    <PublicLayout head={head(ui, title, path, baseUrl)}>
      <h1>{title}</h1>
      <p>{t(ui, 'public:confirm.text')}</p>
      <form method="post" action={`/sign/confirm/${token}`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <p>
          <button type="submit">{t(ui, 'public:confirm.submit')}</button>
        </p>
      </form>
    </PublicLayout>,
  );
}

export function renderOpenSignForm(ui: Lang, v: { title: string; lead: string; slug: string }, csrf: string, path: string, baseUrl: string): string {
  const title = t(ui, 'public:open_sign.title');
  return renderDocument(
    <PublicLayout head={head(ui, title, path, baseUrl)}>
      <h1>{title}</h1>
      <h2>{v.title}</h2>
      <p class="lead">{v.lead}</p>
      <p>{t(ui, 'public:open_sign.explain')}</p>
      <form method="post" action={`/statements/${v.slug}/sign`} class="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <p>
          <label for="name">{t(ui, 'public:open_sign.name')}</label>
          <input id="name" name="name" required autocomplete="name" maxlength={200} />
        </p>
        <p>
          <label for="email">{t(ui, 'public:open_sign.email')}</label>
          <input id="email" name="email" type="email" required autocomplete="email" maxlength={320} />
        </p>
        <p class="check">
          <input id="consent" name="consent" type="checkbox" value="on" required />
          <label for="consent">{t(ui, 'public:open_sign.consent')}</label>
        </p>
        <p>
          <button type="submit">{t(ui, 'public:open_sign.submit')}</button>
        </p>
      </form>
    </PublicLayout>,
  );
}
