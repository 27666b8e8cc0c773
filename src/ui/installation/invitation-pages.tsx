/** What a person holding an invitation link sees, and the change-my-password page. */
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

function ErrorBox(props: { error?: string | undefined }) {
  return props.error ? (
    <div class="error-summary" role="alert">
      <p>{props.error}</p>
    </div>
  ) : null;
}

export type InvitationStep =
  | { kind: 'invalid' }
  | { kind: 'new'; organisationName: string; role: string; email: string; displayName?: string }
  | { kind: 'sign_in'; organisationName: string; role: string }
  | { kind: 'answer'; organisationName: string; role: string }
  | { kind: 'other_account'; organisationName: string };

export function InvitationPage(props: { pc: PageContext; token: string; step: InvitationStep; error?: string }) {
  const { pc, step, token } = props;
  const { t } = pc;
  const action = `/invitations/${encodeURIComponent(token)}`;
  if (step.kind === 'invalid') {
    return (
      <Layout pc={pc} title={t('install:invite.page_title')}>
        <h1>{t('install:invite.invalid_title')}</h1>
        <p>{t('install:invite.invalid')}</p>
      </Layout>
    );
  }
  const role = t(`ui:roles.${'role' in step ? step.role : 'viewer'}`);
  return (
    <Layout pc={pc} title={t('install:invite.page_title')}>
      <h1>{t('install:invite.heading', { organisation: step.organisationName })}</h1>
      <ErrorBox error={props.error} />
      {step.kind === 'new' ? (
        <>
          <p>{t('install:invite.new_intro', { role, email: step.email })}</p>
          <form method="post" action={action}>
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <input type="text" name="username" value={step.email} autocomplete="username" hidden />
            <label for="invite-name">{t('install:invite.your_name')}</label>
            <input id="invite-name" name="displayName" type="text" required maxlength={200} autocomplete="name" value={step.displayName ?? ''} />
            <label for="invite-password">
              {t('access:reset_new')}
              <span class="hint">{t('access:reset_hint')}</span>
            </label>
            <input id="invite-password" name="password" type="password" autocomplete="new-password" required minlength={12} maxlength={128} />
            <p>{t('install:invite.next_totp')}</p>
            <p>
              <button type="submit">{t('install:invite.create_account')}</button>
            </p>
          </form>
        </>
      ) : step.kind === 'sign_in' ? (
        <>
          <p>{t('install:invite.existing_intro', { role })}</p>
          <p>
            <a class="button" href={`/login?next=${encodeURIComponent(action)}`}>
              {t('install:invite.sign_in')}
            </a>
          </p>
        </>
      ) : step.kind === 'answer' ? (
        <>
          <p>{t('install:invite.answer_intro', { role, organisation: step.organisationName })}</p>
          <form method="post" action={`${action}/accept`} class="inline-form">
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <button type="submit">{t('install:invite.accept')}</button>
          </form>{' '}
          <form method="post" action={`${action}/decline`} class="inline-form">
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <button type="submit" class="secondary">
              {t('install:invite.decline')}
            </button>
          </form>
        </>
      ) : (
        <p>{t('install:invite.other_account')}</p>
      )}
    </Layout>
  );
}

export function ChangePasswordPage(props: { pc: PageContext; forced: boolean; needsCode: boolean; error?: string; done?: boolean }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('install:password.title')}>
      <h1>{t('install:password.title')}</h1>
      {props.done ? (
        <p class="notice ok" role="status">
          {t('install:password.done')} <a href="/">{t('install:password.continue')}</a>
        </p>
      ) : null}
      {props.forced ? (
        <p class="notice" role="status">
          {t('install:password.forced')}
        </p>
      ) : null}
      <ErrorBox error={props.error} />
      <form method="post" action="/account/password">
        <input type="hidden" name="_csrf" value={pc.csrf} />
        <label for="current">{t('install:password.current')}</label>
        <input id="current" name="current" type="password" autocomplete="current-password" required maxlength={1024} />
        {props.needsCode ? (
          <>
            <label for="code">
              {t('install:password.code')}
              <span class="hint">{t('install:password.code_hint')}</span>
            </label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9 ]{6,8}" />
          </>
        ) : null}
        <label for="password">
          {t('access:reset_new')}
          <span class="hint">{t('access:reset_hint')}</span>
        </label>
        <input id="password" name="password" type="password" autocomplete="new-password" required minlength={12} maxlength={128} />
        <p>{t('install:password.other_sessions')}</p>
        <p>
          <button type="submit">{t('install:password.save')}</button>
        </p>
      </form>
    </Layout>
  );
}
