import { raw } from 'hono/html';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function TotpEnrolPage(props: { pc: PageContext; qrSvg: string; secret: string; uri: string; error?: string; nextQuery?: string }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('access:totp_enrol_title')}>
      <h1>{t('access:totp_enrol_title')}</h1>
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      <p>{t('access:totp_enrol_intro')}</p>
      <figure class="qr" role="img" aria-label={t('access:qr_alt')}>
        {raw(props.qrSvg)}
      </figure>
      {/* On the phone that holds the authenticator, the QR code cannot be scanned: a tap adds the account. */}
      <p>
        <a href={props.uri} class="button secondary">
          {t('install:totp.tap_to_add')}
        </a>
      </p>
      <p>
        {t('access:totp_key')}: <code class="secret">{props.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
      </p>
      <form method="post" action={`/account/totp${props.nextQuery ?? ''}`}>
        <input type="hidden" name="_csrf" value={pc.csrf} />
        <label for="code">{t('ui:login.totp')}</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9 ]{6,8}" />
        <p>
          <button type="submit">{t('access:totp_confirm')}</button>
        </p>
      </form>
    </Layout>
  );
}

export function RecoveryCodesPage(props: { pc: PageContext; codes: string[]; next: string }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('access:recovery_title')}>
      <h1>{t('access:recovery_title')}</h1>
      <p>{t('access:recovery_intro')}</p>
      <ul class="codes">
        {props.codes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={props.next}>
          {t('access:continue')}
        </a>
      </p>
    </Layout>
  );
}
