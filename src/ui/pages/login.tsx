import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function LoginPage(props: {
  pc: PageContext;
  error?: string;
  email?: string;
  step?: 'password' | 'totp';
  notice?: string;
  /** `?next=…` of the page asked for, kept through both steps (an invitation link, say). */
  nextQuery?: string;
}) {
  const { pc } = props;
  const { t } = pc;
  const step = props.step ?? 'password';
  return (
    <Layout pc={pc} title={t('ui:login.title')}>
      <h1>{t('ui:login.title')}</h1>
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      {props.notice ? (
        <p class="notice ok" role="status">
          {props.notice}
        </p>
      ) : null}
      {step === 'password' ? (
        <form method="post" action={`/login${props.nextQuery ?? ''}`}>
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <label for="email">{t('ui:login.email')}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={props.email ?? ''}
          />
          <label for="password">{t('ui:login.password')}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <p>
            <button type="submit">{t('ui:login.submit')}</button>
          </p>
          <p>
            <a href="/password/forgot">{t('access:forgot_link')}</a>
          </p>
        </form>
      ) : (
        <form method="post" action={`/login/totp${props.nextQuery ?? ''}`}>
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <label for="code">
            {t('ui:login.totp')}
            <span class="hint">{t('ui:login.totp_hint')}</span>
          </label>
          <input
            id="code"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            required
            pattern="[0-9A-Za-z \-]{6,20}"
          />
          <p>
            <button type="submit">{t('ui:login.verify')}</button>
          </p>
        </form>
      )}
    </Layout>
  );
}
