/** The page frame: skip link, header with language and organisation switchers, main, footer. */
import type { Child } from 'hono/jsx';
import { can, type Action } from '../access/index.js';
import type { Role } from '../store/index.js';
import { withLang, type PageContext } from './page-context.js';

export function Layout(props: { pc: PageContext; title: string; children?: Child; wide?: boolean; scripts?: string[] }) {
  const { pc, title } = props;
  const { t } = pc;
  const other = pc.lang === 'es' ? 'en' : 'es';
  const signedIn = !!pc.user || !!pc.installationAdmin;
  const may = (action: Action) =>
    !!pc.user && can({ kind: 'user', userId: '', organisationId: pc.user.organisationId, role: pc.user.role as Role, coalitionIds: [] }, action);
  return (
    <html lang={pc.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · ${t('common:app.name')}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="stylesheet" href="/assets/workspace.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip" href="#main">
          {t('ui:skip_to_content')}
        </a>
        <header class="top">
          <a class="brand" href="/">
            {t('common:app.name')}
          </a>
          <nav aria-label={t('ui:nav.label')}>
            <ul>
              {pc.user ? (
                <>
                  {pc.user.role === 'signatory' ? (
                    <li>
                      <a href="/coordinate/invitations">{t('statements:invitations.title')}</a>
                    </li>
                  ) : null}
                  {/* Each link only for a role that may use what it leads to (the policy's own table). */}
                  {may('record.read') ? (
                    <li>
                      <a href="/incidents">{t('ui:nav.incidents')}</a>
                    </li>
                  ) : null}
                  {may('record.create') ? (
                    <li>
                      <a href="/incidents/new">{t('ui:nav.new_incident')}</a>
                    </li>
                  ) : null}
                  {may('record.read') ? (
                    <li>
                      <a href="/actors">{t('workspace:actors.title')}</a>
                    </li>
                  ) : null}
                  {may('statement.read') ? (
                    <li>
                      <a href="/coordinate/statements">{t('statements:list.title')}</a>
                    </li>
                  ) : null}
                  <li>
                    <a href="/coalitions">{t('coalitions:nav')}</a>
                  </li>
                  <li>
                    <a href="/notifications">{t('analysis:notifications.title')}</a>
                  </li>
                  {may('analysis.read') ? (
                    <li>
                      <a href="/analysis">{t('analysis:title')}</a>
                    </li>
                  ) : null}
                  {may('linkage.run') ? (
                    <li>
                      <a href="/linkage">{t('linkplatform:nav')}</a>
                    </li>
                  ) : null}
                  {may('import.run') ? (
                    <li>
                      <a href="/import">{t('interop:nav')}</a>
                    </li>
                  ) : null}
                  {may('report.moderate') ? (
                    <li>
                      <a href="/intake/reports">{t('intake:queue.nav')}</a>
                    </li>
                  ) : null}
                  {may('user.manage') ? (
                    <li>
                      <a href="/admin">{t('admin:nav_label')}</a>
                    </li>
                  ) : null}
                </>
              ) : pc.installationAdmin ? (
                <li>
                  <a href="/installation">{t('install:nav')}</a>
                </li>
              ) : (
                <li>
                  <a href="/dashboards/VE">{t('dashboards:nav')}</a>
                </li>
              )}
              <li>
                <a href={withLang(pc.path, other)} hreflang={other} lang={other}>
                  {t(`common:lang.${other}`)}
                </a>
              </li>
              {signedIn ? (
                <li>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={pc.csrf} />
                    <button type="submit" class="link">
                      {t('ui:nav.sign_out')}
                    </button>
                  </form>
                </li>
              ) : (
                <li>
                  <a href="/login">{t('ui:nav.sign_in')}</a>
                </li>
              )}
            </ul>
          </nav>
          {pc.user ? (
            <p class="who">
              {pc.user.displayName} · {pc.user.organisationName} · {t(`ui:roles.${pc.user.role}`)}
            </p>
          ) : null}
          {pc.installationAdmin ? (
            <p class="who">
              {pc.installationAdmin.displayName} · {t('install:role')}
            </p>
          ) : null}
          {pc.user && pc.user.organisations.length > 1 ? (
            <form method="post" action="/session/organisation" class="org-switch">
              <input type="hidden" name="_csrf" value={pc.csrf} />
              <label for="org-switch">{t('workspace:org.label')}</label>
              <select id="org-switch" name="organisationId">
                {pc.user.organisations.map((o) => (
                  <option value={o.organisationId} selected={o.organisationId === pc.user!.organisationId}>
                    {o.name}
                  </option>
                ))}
              </select>
              <button type="submit" class="secondary">
                {t('workspace:org.switch')}
              </button>
            </form>
          ) : null}
        </header>
        <main id="main" class={props.wide ? 'wide' : ''}>
          {props.children}
        </main>
        <footer class="foot">
          <p>{t('common:app.tagline')}</p>
        </footer>
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer></script>
        ))}
      </body>
    </html>
  );
}
