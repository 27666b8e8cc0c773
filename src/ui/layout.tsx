/** The page frame: skip link, header with language and organisation switchers, main, footer. */
import type { Child } from 'hono/jsx';
import { withLang, type PageContext } from './page-context.js';

export function Layout(props: { pc: PageContext; title: string; children?: Child; wide?: boolean; scripts?: string[] }) {
  const { pc, title } = props;
  const { t } = pc;
  const other = pc.lang === 'es' ? 'en' : 'es';
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
                  ) : (
                    <>
                      <li>
                        <a href="/incidents">{t('ui:nav.incidents')}</a>
                      </li>
                      <li>
                        <a href="/incidents/new">{t('ui:nav.new_incident')}</a>
                      </li>
                    </>
                  )}
                  <li>
                    <a href="/coordinate/statements">{t('statements:list.title')}</a>
                  </li>
                  <li>
                    <a href="/coalitions">{t('coalitions:nav')}</a>
                  </li>
                  {pc.user.role !== 'signatory' ? (
                    <li>
                      <a href="/analysis">{t('analysis:title')}</a>
                    </li>
                  ) : null}
                  {['admin', 'analyst', 'reviewer'].includes(pc.user.role) ? (
                    <li>
                      <a href="/linkage">{t('linkplatform:nav')}</a>
                    </li>
                  ) : null}
                  {pc.user.role !== 'signatory' ? (
                    <li>
                      <a href="/import">{t('interop:nav')}</a>
                    </li>
                  ) : null}
                  {['documenter', 'reviewer'].includes(pc.user.role) ? (
                    <li>
                      <a href="/intake/reports">{t('intake:queue.nav')}</a>
                    </li>
                  ) : null}
                  {pc.user.role === 'admin' ? (
                    <li>
                      <a href="/admin">{t('admin:nav_label')}</a>
                    </li>
                  ) : null}
                </>
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
              {pc.user ? (
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
