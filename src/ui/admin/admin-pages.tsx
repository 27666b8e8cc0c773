/** Administration pages of an organisation: members and roles, sharing, audit log, security. */
import type { AuditRow, Member, OrganisationSettings, PendingInvitation } from '../../access/index.js';
import { InvitationList } from '../installation/installation-pages.js';
import type { ShareView } from '../../records/index.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { Csrf, Flash } from '../workspace/fields.js';
import { dateTimeLabel } from '../format.js';

const roleList = ['admin', 'documenter', 'analyst', 'reviewer', 'viewer', 'signatory'] as const;

function AdminNav(props: { pc: PageContext; current: string }) {
  const { t } = props.pc;
  const items = [
    ['users', '/admin/users'],
    ['organisation', '/admin/organisation'],
    ['sharing', '/admin/sharing'],
    ['audit', '/admin/audit'],
    ['security', '/admin/security'],
    ['vocabularies', '/vocabularies'],
  ] as const;
  return (
    <nav aria-label={t('admin:nav_label')} class="subnav">
      <ul>
        {items.map(([k, href]) => (
          <li>
            <a href={href} aria-current={props.current === k ? 'page' : undefined}>
              {t(`admin:nav.${k}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}



export function UsersPage(props: { pc: PageContext; members: Member[]; invitations: PendingInvitation[]; message?: string; error?: string }) {
  const { pc, members } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('admin:users.title')} wide>
      <h1>{t('admin:users.title')}</h1>
      <AdminNav pc={pc} current="users" />
      <Flash message={props.message} error={props.error} />
      <div class="table-wrap" tabindex={0} role="region" aria-label={t('admin:users.title')}>
        <table>
          <caption class="muted">{t('admin:users.caption', { count: members.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin:users.name')}</th>
              <th scope="col">{t('admin:users.role')}</th>
              <th scope="col">{t('admin:users.mfa')}</th>
              <th scope="col">{t('admin:users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr>
                <td>
                  {m.displayName}
                  <br />
                  <span class="muted">{m.email}</span>
                </td>
                <td>
                  <form method="post" action={`/admin/users/${m.userId}/role`} class="inline-form">
                    <Csrf pc={pc} />
                    <label class="visually-hidden" for={`role-${m.userId}`}>
                      {t('admin:users.role_of', { name: m.displayName })}
                    </label>
                    <select id={`role-${m.userId}`} name="role">
                      {roleList.map((r) => (
                        <option value={r} selected={r === m.role}>
                          {t(`ui:roles.${r}`)}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="secondary">
                      {t('admin:users.change_role')}
                    </button>
                  </form>
                </td>
                <td>{m.mfa ? t('admin:users.mfa_on') : t('admin:users.mfa_off')}</td>
                <td>
                  <form method="post" action={`/admin/users/${m.userId}/end-sessions`} class="inline-form">
                    <Csrf pc={pc} />
                    <button type="submit" class="secondary">
                      {t('admin:users.end_sessions', { count: m.activeSessions })}
                    </button>
                  </form>
                  {m.mfa ? (
                    <form method="post" action={`/admin/users/${m.userId}/reset-mfa`} class="inline-form">
                      <Csrf pc={pc} />
                      <button type="submit" class="secondary">
                        {t('admin:users.reset_mfa')}
                      </button>
                    </form>
                  ) : null}
                  <form method="post" action={`/admin/users/${m.userId}/remove`} class="inline-form">
                    <Csrf pc={pc} />
                    <button type="submit" class="secondary">
                      {t('admin:users.remove')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.invitations.length ? <InvitationList pc={pc} invitations={props.invitations} revoke /> : null}
      <h2>{t('install:invite.title')}</h2>
      <form method="post" action="/admin/users">
        <Csrf pc={pc} />
        <label for="add-email">{t('admin:users.email')}</label>
        <input id="add-email" name="email" type="email" required autocomplete="off" />
        <label for="add-role">{t('admin:users.role')}</label>
        <select id="add-role" name="role">
          {roleList.map((r) => (
            <option value={r} selected={r === 'documenter'}>
              {t(`ui:roles.${r}`)}
            </option>
          ))}
        </select>
        <p class="hint">{t('install:invite.hint')}</p>
        <p>
          <button type="submit">{t('install:invite.send')}</button>
        </p>
      </form>
    </Layout>
  );
}

export function SharingPage(props: { pc: PageContext; shares: ShareView[]; coalitions: { id: string; name: string }[]; incidents: { id: string; title: string }[]; message?: string; error?: string }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('admin:sharing.title')} wide>
      <h1>{t('admin:sharing.title')}</h1>
      <AdminNav pc={pc} current="sharing" />
      <Flash message={props.message} error={props.error} />
      <p>{t('admin:sharing.intro')}</p>
      {props.shares.length === 0 ? (
        <p class="muted">{t('admin:sharing.none')}</p>
      ) : (
        <div class="table-wrap" tabindex={0} role="region" aria-label={t('admin:sharing.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin:sharing.incident')}</th>
                <th scope="col">{t('admin:sharing.coalition')}</th>
                <th scope="col">{t('admin:sharing.extra')}</th>
                <th scope="col">{t('admin:users.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.shares.map((s) => (
                <tr>
                  <td>
                    <a href={`/incidents/${s.incidentId}`}>{s.title}</a>
                  </td>
                  <td>{s.coalitionName}</td>
                  <td>{s.fields.length ? s.fields.map((f) => t(`admin:sharing.field.${f}`)).join(', ') : t('admin:sharing.default_set')}</td>
                  <td>
                    <form method="post" action="/admin/sharing/remove" class="inline-form">
                      <Csrf pc={pc} />
                      <input type="hidden" name="incidentId" value={s.incidentId} />
                      <input type="hidden" name="coalitionId" value={s.coalitionId} />
                      <button type="submit" class="secondary">
                        {t('admin:sharing.stop')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('admin:sharing.add_title')}</h2>
      {/* Sharing is done where the cases are: from a case's page, or every match of a filtered list (no cap). */}
      <p>{t('admin:sharing.where')}</p>
      <p>
        <a href="/incidents">{t('admin:sharing.to_list')}</a>
      </p>
    </Layout>
  );
}

export function AuditPage(props: { pc: PageContext; rows: AuditRow[]; intact: boolean; problems: number; nextHref: string | null }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('admin:audit.title')} wide>
      <h1>{t('admin:audit.title')}</h1>
      <AdminNav pc={pc} current="audit" />
      <p class={props.intact ? 'notice ok' : 'error-summary'} role="status">
        {props.intact ? t('admin:audit.intact') : t('admin:audit.broken', { count: props.problems })}
      </p>
      <p>
        <a href="/admin/audit.csv">{t('admin:audit.export')}</a>
      </p>
      <div class="table-wrap" tabindex={0} role="region" aria-label={t('admin:audit.title')}>
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('admin:audit.when')}</th>
              <th scope="col">{t('admin:audit.who')}</th>
              <th scope="col">{t('admin:audit.what')}</th>
              <th scope="col">{t('admin:audit.object')}</th>
              <th scope="col">{t('admin:audit.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>{r.seq}</td>
                <td>{dateTimeLabel(r.at, pc.lang, pc.timeZone)}</td>
                <td>{r.actorName ?? t('admin:audit.system')}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>{r.objectTable ? `${r.objectTable} ${r.objectId?.slice(0, 8) ?? ''}` : ''}</td>
                <td>{r.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.nextHref ? (
        <p class="pager">
          <a href={props.nextHref}>{t('ui:incidents.next_page')}</a>
        </p>
      ) : null}
    </Layout>
  );
}

export function SecurityPage(props: { pc: PageContext; settings: { name: string; slug: string; mfaRelaxedForViewers: boolean }; message?: string; error?: string }) {
  const { pc, settings } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('admin:security.title')} wide>
      <h1>{t('admin:security.title')}</h1>
      <AdminNav pc={pc} current="security" />
      <Flash message={props.message} error={props.error} />
      <h2>{t('admin:security.mfa_title')}</h2>
      <form method="post" action="/admin/security/mfa">
        <Csrf pc={pc} />
        <label class="check">
          <input type="checkbox" name="relaxed" value="on" checked={settings.mfaRelaxedForViewers} /> {t('admin:security.mfa_relax')}
        </label>
        <p class="hint">{t('admin:security.mfa_hint')}</p>
        <p>
          <button type="submit" class="secondary">
            {t('admin:security.save')}
          </button>
        </p>
      </form>
      <h2>{t('admin:security.lockdown_title')}</h2>
      <p>{t('admin:security.lockdown_intro')}</p>
      <form method="post" action="/admin/security/end-sessions">
        <Csrf pc={pc} />
        <p>
          <button type="submit">{t('admin:security.end_all')}</button>
        </p>
      </form>
      <h2>{t('admin:security.seal_title')}</h2>
      <p>{t('admin:security.seal_intro')}</p>
      <pre tabindex={0}>
        <code>{`npx atalaya keys export --org ${settings.slug} --out ${settings.slug}-keys.json`}</code>
      </pre>
      <form method="post" action="/admin/security/seal">
        <Csrf pc={pc} />
        <label class="check">
          <input type="checkbox" name="backup" value="yes" required /> {t('admin:security.seal_backup')}
        </label>
        <label for="seal-confirm">{t('admin:security.seal_confirm', { slug: settings.slug })}</label>
        <input id="seal-confirm" name="confirm" type="text" required autocomplete="off" />
        <p>
          <button type="submit">{t('admin:security.seal')}</button>
        </p>
      </form>
    </Layout>
  );
}

/** The organisation's own settings: languages, time zone, and the visibility new cases start with. */
export function OrganisationPage(props: { pc: PageContext; settings: OrganisationSettings; zones: string[]; message?: string; error?: string; errorFields?: string[] }) {
  const { pc, settings } = props;
  const { t } = pc;
  const bad = new Set(props.errorFields ?? []);
  return (
    <Layout pc={pc} title={t('admin:org.title')} wide>
      <h1>{t('admin:org.title')}</h1>
      <AdminNav pc={pc} current="organisation" />
      <Flash message={props.message} error={props.error} />
      <p>
        {settings.name} (<code>{settings.slug}</code>)
      </p>
      <form method="post" action="/admin/organisation">
        <Csrf pc={pc} />
        <fieldset aria-describedby="org-lang-hint" aria-invalid={bad.has('languages') ? 'true' : undefined}>
          <legend>{t('admin:org.languages')}</legend>
          <p class="hint" id="org-lang-hint">
            {t('admin:org.languages_hint')}
          </p>
          {(['es', 'en'] as const).map((l) => (
            <label class="check">
              <input type="checkbox" name="languages" value={l} checked={settings.languages.includes(l)} /> {t(`admin:org.lang_${l}`)}
            </label>
          ))}
        </fieldset>
        <p>
          <label for="org-default-lang">{t('admin:org.default_lang')}</label>
          <select id="org-default-lang" name="defaultLang" aria-invalid={bad.has('defaultLang') ? 'true' : undefined}>
            {(['es', 'en'] as const).map((l) => (
              <option value={l} selected={settings.languages[0] === l}>
                {t(`admin:org.lang_${l}`)}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="org-zone">{t('admin:org.time_zone')}</label>
          <select id="org-zone" name="timeZone" aria-describedby="org-zone-hint" aria-invalid={bad.has('timeZone') ? 'true' : undefined}>
            {props.zones.map((z) => (
              <option value={z} selected={settings.timeZone === z}>
                {z}
              </option>
            ))}
          </select>
        </p>
        <p class="hint" id="org-zone-hint">
          {t('admin:org.time_zone_hint')}
        </p>
        <fieldset aria-invalid={bad.has('defaultVisibility') ? 'true' : undefined}>
          <legend>{t('admin:org.default_visibility')}</legend>
          {(['private', 'public'] as const).map((v) => (
            <label class="check">
              <input type="radio" name="defaultVisibility" value={v} checked={settings.defaultVisibility === v} /> {t(`ui:visibility.${v}`)}
            </label>
          ))}
          <p class="hint">{t('admin:org.default_visibility_hint')}</p>
        </fieldset>
        <p>
          <button type="submit">{t('admin:org.save')}</button>
        </p>
      </form>
    </Layout>
  );
}
