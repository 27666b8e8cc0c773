/**
 * Coalition pages: the organisation's coalitions and the invitations addressed to it, one
 * coalition (who is in it, in plain words what each sees of a shared case, and the administrator's
 * forms), and the confirmation before leaving. Plain forms: everything works without JavaScript.
 */
import type { CoalitionInvitationView, CoalitionPage, CoalitionSummary } from '../../coalitions/index.js';
import { dateTimeLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { Csrf, Flash } from '../workspace/fields.js';

const extraFields = ['narrative', 'victim_names', 'place_names', 'source_urls'] as const;

function when(d: Date, pc: PageContext): string {
  return dateTimeLabel(new Date(d).toISOString(), pc.lang, pc.timeZone);
}


function InvitationAnswer(props: { pc: PageContext; inv: CoalitionInvitationView; isAdmin: boolean }) {
  const { pc, inv } = props;
  const { t } = pc;
  return (
    <li class="card">
      <p>
        {t('coalitions:invitations.item', { invitedBy: inv.invitedBy, coalition: inv.coalitionName })} <a href={`/coalitions/${inv.coalitionId}`}>{inv.coalitionName}</a>
      </p>
      {props.isAdmin ? (
        <form method="post" action={`/coalitions/invitations/${inv.id}`} class="inline">
          <Csrf pc={pc} />
          <button type="submit" name="answer" value="accept">
            {t('coalitions:invitations.accept')}
          </button>{' '}
          <button type="submit" name="answer" value="decline" class="secondary">
            {t('coalitions:invitations.decline')}
          </button>
        </form>
      ) : (
        <p class="hint">{t('coalitions:invitations.admin_only')}</p>
      )}
    </li>
  );
}

export function CoalitionsPage(props: { pc: PageContext; coalitions: CoalitionSummary[]; invitations: CoalitionInvitationView[]; isAdmin: boolean; message?: string; error?: string }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('coalitions:title')}>
      <h1>{t('coalitions:title')}</h1>
      <Flash message={props.message} error={props.error} />
      <p>{t('coalitions:intro')}</p>
      {props.invitations.length ? (
        <section aria-labelledby="h-inv">
          <h2 id="h-inv">{t('coalitions:invitations.title')}</h2>
          <ul class="cards">
            {props.invitations.map((inv) => (
              <InvitationAnswer pc={pc} inv={inv} isAdmin={props.isAdmin} />
            ))}
          </ul>
        </section>
      ) : null}
      {props.coalitions.length === 0 ? (
        <p class="muted">{t('coalitions:none')}</p>
      ) : (
        <ul>
          {props.coalitions.map((c) => (
            <li>
              <a href={`/coalitions/${c.id}`}>{c.name}</a> — {t('coalitions:members_count', { count: c.members })}
              {c.coordinator ? ` · ${t('coalitions:coordinated_by', { name: c.coordinator })}` : ''}
            </li>
          ))}
        </ul>
      )}
      {props.isAdmin ? (
        <section aria-labelledby="h-new">
          <h2 id="h-new">{t('coalitions:create.title')}</h2>
          <form method="post" action="/coalitions" class="stack">
            <Csrf pc={pc} />
            <p class="hint" id="create-hint">
              {t('coalitions:create.hint')}
            </p>
            <div class="field">
              <label for="c-name">{t('coalitions:create.name')}</label>
              <input id="c-name" name="name" required minlength={3} maxlength={200} aria-describedby="create-hint" />
            </div>
            <div class="field">
              <label for="c-desc">{t('coalitions:create.description')}</label>
              <textarea id="c-desc" name="description" rows={3} maxlength={2000}></textarea>
            </div>
            <p>
              <button type="submit">{t('coalitions:create.submit')}</button>
            </p>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export function CoalitionDetailPage(props: { pc: PageContext; c: CoalitionPage; isAdmin: boolean; message?: string; error?: string }) {
  const { pc, c } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={c.name}>
      <p>
        <a href="/coalitions">← {t('coalitions:page.back')}</a>
      </p>
      <h1>{c.name}</h1>
      <Flash message={props.message} error={props.error} />
      {c.description ? <p>{c.description}</p> : null}
      {c.invitation ? (
        <section aria-labelledby="h-invited">
          <h2 id="h-invited">{t('coalitions:invitations.title')}</h2>
          <p>{t('coalitions:page.invited_notice')}</p>
          <ul class="cards">
            <InvitationAnswer pc={pc} inv={c.invitation} isAdmin={props.isAdmin} />
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="h-members">
        <h2 id="h-members">{t('coalitions:page.members')}</h2>
        <ul class="cards">
          {c.members.map((m) => (
            <li class="card">
              <h3>
                {m.name}
                {m.coordinator ? <span class="muted"> · {t('coalitions:page.coordinator')}</span> : null}
              </h3>
              <p class="meta">{t('coalitions:page.joined', { when: when(m.joinedAt, pc) })}</p>
              {c.member ? (
                <>
                  <p>{m.focalPoints.length ? t('coalitions:page.focal_points', { names: m.focalPoints.join(', ') }) : t('coalitions:page.no_focal_points')}</p>
                  <p>{t('coalitions:page.shares', { count: m.sharedCases })}</p>
                  {extraFields
                    .filter((f) => m.extraFields[f])
                    .map((f) => (
                      <p>{t('coalitions:page.shares_extra', { count: m.extraFields[f], field: t(`admin:sharing.field.${f}`) })}</p>
                    ))}
                </>
              ) : null}
            </li>
          ))}
        </ul>
        {c.pending.length ? (
          <>
            <h3>{t('coalitions:page.pending')}</h3>
            <ul>
              {c.pending.map((p) => (
                <li>{t('coalitions:page.pending_item', { name: p.name, when: when(p.createdAt, pc) })}</li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section aria-labelledby="h-sees">
        <h2 id="h-sees">{t('coalitions:page.sees_title')}</h2>
        <p>{t('coalitions:page.sees_owner')}</p>
        <p>{t('coalitions:page.sees_basic')}</p>
        <p>{t('coalitions:page.sees_never')}</p>
        <ul>
          {c.members.map((m) => (
            <li>{t('coalitions:page.sees_member', { name: m.name })}</li>
          ))}
        </ul>
        <p>{t('coalitions:page.leaving')}</p>
      </section>
      {c.member && props.isAdmin ? (
        <>
          <section aria-labelledby="h-invite">
            <h2 id="h-invite">{t('coalitions:page.invite_title')}</h2>
            {c.invitable.length ? (
              <form method="post" action={`/coalitions/${c.id}/invite`} class="stack">
                <Csrf pc={pc} />
                <div class="field">
                  <label for="inv-org">{t('coalitions:page.invite_org')}</label>
                  <select id="inv-org" name="organisationId" required aria-describedby="inv-hint">
                    {c.invitable.map((o) => (
                      <option value={o.id}>{o.name}</option>
                    ))}
                  </select>
                  <span class="hint" id="inv-hint">
                    {t('coalitions:page.invite_hint')}
                  </span>
                </div>
                <p>
                  <button type="submit">{t('coalitions:page.invite_submit')}</button>
                </p>
              </form>
            ) : (
              <p class="muted">{t('coalitions:page.no_invitable')}</p>
            )}
          </section>
          <section aria-labelledby="h-focal">
            <h2 id="h-focal">{t('coalitions:page.focal_title')}</h2>
            <form method="post" action={`/coalitions/${c.id}/focal-points`}>
              <Csrf pc={pc} />
              <fieldset>
                <legend>{t('coalitions:page.focal_title')}</legend>
                <p class="hint">{t('coalitions:page.focal_hint')}</p>
                {c.ownPeople.map((p) => (
                  <div class="check">
                    <input type="checkbox" id={`fp-${p.userId}`} name="userIds" value={p.userId} checked={p.focal} />
                    <label for={`fp-${p.userId}`}>
                      {p.displayName} ({t(`ui:roles.${p.role}`)})
                    </label>
                  </div>
                ))}
              </fieldset>
              <p>
                <button type="submit">{t('coalitions:page.focal_submit')}</button>
              </p>
            </form>
          </section>
          <section aria-labelledby="h-leave">
            <h2 id="h-leave">{t('coalitions:page.leave_title')}</h2>
            <p>
              <a class="button secondary" href={`/coalitions/${c.id}/leave`}>
                {t('coalitions:page.leave_button')}
              </a>
            </p>
          </section>
        </>
      ) : null}
    </Layout>
  );
}

export function LeaveCoalitionPage(props: { pc: PageContext; c: CoalitionPage; ownShares: number }) {
  const { pc, c } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('coalitions:leave.title', { name: c.name })}>
      <h1>{t('coalitions:leave.title', { name: c.name })}</h1>
      <p>{t('coalitions:leave.shares', { count: props.ownShares })}</p>
      <form method="post" action={`/coalitions/${c.id}/leave`}>
        <Csrf pc={pc} />
        <input type="hidden" name="confirm" value="yes" />
        <p>
          <button type="submit" class="danger">
            {t('coalitions:leave.confirm')}
          </button>{' '}
          <a href={`/coalitions/${c.id}`}>{t('coalitions:leave.cancel')}</a>
        </p>
      </form>
    </Layout>
  );
}
