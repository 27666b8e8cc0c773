import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function ForgotPage(props: { pc: PageContext; sent?: boolean }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('access:forgot_title')}>
      <h1>{t('access:forgot_title')}</h1>
      {props.sent ? (
        <p class="notice" role="status">
          {t('access:forgot_sent')}
        </p>
      ) : (
        <form method="post" action="/password/forgot">
          <input type="hidden" name="_csrf" value={pc.csrf} />
          <p>{t('access:forgot_intro')}</p>
          <label for="email">{t('ui:login.email')}</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
          <p>
            <button type="submit">{t('access:forgot_send')}</button>
          </p>
        </form>
      )}
    </Layout>
  );
}

export function ResetPage(props: { pc: PageContext; token: string; error?: string }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('access:reset_title')}>
      <h1>{t('access:reset_title')}</h1>
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      <form method="post" action="/password/reset">
        <input type="hidden" name="_csrf" value={pc.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <label for="password">
          {t('access:reset_new')}
          <span class="hint">{t('access:reset_hint')}</span>
        </label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength={12} maxlength={128} />
        <p>
          <button type="submit">{t('access:reset_save')}</button>
        </p>
      </form>
    </Layout>
  );
}
