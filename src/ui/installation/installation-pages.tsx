/** The installation administrator's pages: organisations (create, rename, archive) and their first administrators. */
import type { OrganisationSummary, PendingInvitation } from '../../access/index.js';
import { dateTimeLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { Csrf, Flash } from '../workspace/fields.js';

/**
 * The languages named in the page's language ("español e inglés", "Spanish and English"): the
 * switcher's names are endonyms, which in a sentence mixed two languages ("Español, English").
 */
export function langList(pc: PageContext, langs: string[]): string {
  const names = langs.map((l) => {
    try {
      return new Intl.DisplayNames([pc.lang], { type: 'language' }).of(l) ?? l;
    } catch {
      return l;
    }
  });
  const text = new Intl.ListFormat(pc.lang, { style: 'long', type: 'conjunction' }).format(names);
  return text.charAt(0).toLocaleUpperCase(pc.lang) + text.slice(1);
}

export interface CreateValues {
  slug?: string;
  name?: string;
  lang?: string;
  timeZone?: string;
}

export function InstallationPage(props: { pc: PageContext; organisations: OrganisationSummary[]; zones: string[]; values?: CreateValues; message?: string; error?: string }) {
  const { pc, organisations } = props;
  const { t } = pc;
  const v = props.values ?? {};
  return (
    <Layout pc={pc} title={t('install:title')} wide>
      <h1>{t('install:title')}</h1>
      <p>{t('install:intro')}</p>
      <Flash message={props.message} error={props.error} />
      <h2>{t('install:org.list_title')}</h2>
      {organisations.length === 0 ? (
        <p>{t('install:org.none')}</p>
      ) : (
        <div class="table-wrap" tabindex={0} role="region" aria-label={t('install:org.list_title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('install:org.name')}</th>
                <th scope="col">{t('install:org.slug')}</th>
                <th scope="col">{t('install:org.languages')}</th>
                <th scope="col">{t('install:org.time_zone')}</th>
                <th scope="col">{t('install:org.state')}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr>
                  <td>
                    <a href={`/installation/organisations/${o.id}`}>{o.name}</a>
                  </td>
                  <td>
                    <code>{o.slug}</code>
                  </td>
                  <td>{langList(pc, o.languages)}</td>
                  <td>{o.timeZone}</td>
                  <td>{o.archivedAt ? t('install:org.archived_on', { date: dateTimeLabel(o.archivedAt.toISOString(), pc.lang) }) : t('install:org.active')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="create">{t('install:org.create_title')}</h2>
      <form method="post" action="/installation/organisations">
        <Csrf pc={pc} />
        <label for="org-name">{t('install:org.name')}</label>
        <input id="org-name" name="name" type="text" required maxlength={200} value={v.name ?? ''} autocomplete="organization" />
        <label for="org-slug">{t('install:org.slug')}</label>
        <p class="hint" id="org-slug-hint">
          {t('install:org.slug_hint')}
        </p>
        <input id="org-slug" name="slug" type="text" required pattern="[a-z0-9][a-z0-9\-]{1,62}" aria-describedby="org-slug-hint" value={v.slug ?? ''} autocomplete="off" />
        <label for="org-lang">{t('install:org.main_language')}</label>
        <select id="org-lang" name="lang">
          {(['es', 'en'] as const).map((l) => (
            <option value={l} selected={(v.lang ?? 'es') === l}>
              {t(`common:lang.${l}`)}
            </option>
          ))}
        </select>
        <label for="org-zone">{t('install:org.time_zone')}</label>
        <select id="org-zone" name="timeZone">
          {props.zones.map((z) => (
            <option value={z} selected={(v.timeZone ?? 'UTC') === z}>
              {z}
            </option>
          ))}
        </select>
        <p>
          <button type="submit">{t('install:org.create')}</button>
        </p>
      </form>
    </Layout>
  );
}

export function OrganisationPage(props: { pc: PageContext; org: OrganisationSummary; invitations: PendingInvitation[]; message?: string; error?: string }) {
  const { pc, org } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={org.name}>
      <p>
        <a href="/installation">{t('install:back')}</a>
      </p>
      <h1>{org.name}</h1>
      <Flash message={props.message} error={props.error} />
      <dl>
        <dt>{t('install:org.slug')}</dt>
        <dd>
          <code>{org.slug}</code>
        </dd>
        <dt>{t('install:org.languages')}</dt>
        <dd>{langList(pc, org.languages)}</dd>
        <dt>{t('install:org.time_zone')}</dt>
        <dd>{org.timeZone}</dd>
        <dt>{t('install:org.state')}</dt>
        <dd>{org.archivedAt ? t('install:org.archived_on', { date: dateTimeLabel(org.archivedAt.toISOString(), pc.lang) }) : t('install:org.active')}</dd>
      </dl>
      {org.archivedAt ? null : (
        <>
          <h2>{t('install:invite.first_admin_title')}</h2>
          <p>{t('install:invite.first_admin_intro')}</p>
          <form method="post" action={`/installation/organisations/${org.id}/invitations`}>
            <Csrf pc={pc} />
            <label for="invite-email">{t('install:invite.email')}</label>
            <input id="invite-email" name="email" type="email" required autocomplete="off" />
            <p>
              <button type="submit">{t('install:invite.send')}</button>
            </p>
          </form>
          {props.invitations.length ? <InvitationList pc={pc} invitations={props.invitations} /> : null}
          <h2>{t('install:org.rename_title')}</h2>
          <form method="post" action={`/installation/organisations/${org.id}/rename`}>
            <Csrf pc={pc} />
            <label for="rename-name">{t('install:org.new_name')}</label>
            <input id="rename-name" name="name" type="text" required maxlength={200} value={org.name} autocomplete="organization" />
            <p>
              <button type="submit">{t('install:org.rename')}</button>
            </p>
          </form>
          <h2>{t('install:org.archive_title')}</h2>
          <p>
            <a href={`/installation/organisations/${org.id}/archive`}>{t('install:org.archive_link', { name: org.name })}</a>
          </p>
        </>
      )}
    </Layout>
  );
}

/** Open invitations (an organisation's admin may withdraw them; the installation administrator only sees them). */
export function InvitationList(props: { pc: PageContext; invitations: PendingInvitation[]; revoke?: boolean }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <section aria-labelledby="open-invitations">
      <h2 id="open-invitations">{t('install:invite.open_title')}</h2>
      <ul>
        {props.invitations.map((i) => (
          <li>
            {i.email} · {t(`ui:roles.${i.role}`)} ·{' '}
            {i.expired ? t('install:invite.expired') : t('install:invite.expires', { date: dateTimeLabel(i.expiresAt.toISOString(), pc.lang) })}
            {props.revoke ? (
              <form method="post" action={`/admin/invitations/${i.id}/revoke`} class="inline-form">
                <Csrf pc={pc} />
                <button type="submit" class="secondary">
                  {t('install:invite.revoke', { email: i.email })}
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ArchiveConfirmPage(props: { pc: PageContext; org: OrganisationSummary }) {
  const { pc, org } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('install:org.archive_title')}>
      <h1>{t('install:org.archive_confirm_title', { name: org.name })}</h1>
      <p>{t('install:org.archive_explain')}</p>
      <ul>
        <li>{t('install:org.archive_effect_sign_in')}</li>
        <li>{t('install:org.archive_effect_sessions')}</li>
        <li>{t('install:org.archive_effect_records')}</li>
        <li>{t('install:org.archive_effect_final')}</li>
      </ul>
      <form method="post" action={`/installation/organisations/${org.id}/archive`}>
        <Csrf pc={pc} />
        <input type="hidden" name="confirm" value="yes" />
        <p>
          <button type="submit" class="danger">
            {t('install:org.archive_do', { name: org.name })}
          </button>{' '}
          <a href={`/installation/organisations/${org.id}`}>{t('install:cancel')}</a>
        </p>
      </form>
    </Layout>
  );
}
