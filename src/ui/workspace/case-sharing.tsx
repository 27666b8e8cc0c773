/** Who sees a case, and the forms that share it: one case from its page, or every match of the case list. */
import type { CaseAudience } from '../../records/index.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { Csrf } from './fields.js';
import { filterParams } from './case-list.page.js';

/** The fields a share may add to the basic set, in the order the forms list them. */
export const extraFields = ['narrative', 'victim_names', 'place_names', 'source_urls'] as const;

function fieldNames(pc: PageContext, fields: readonly string[]): string {
  return fields.map((f) => pc.t(`admin:sharing.field.${f}`)).join(', ');
}

/** States exactly who sees the case, then (for whoever may share) the form that changes it. */
export function CaseAudienceSection(props: { pc: PageContext; incidentId: string; audience: CaseAudience; canShare: boolean }) {
  const { pc, audience } = props;
  const { t } = pc;
  return (
    <section aria-labelledby="sharing-title" id="sharing">
      <h2 id="sharing-title">{t('workspace:sharing.title')}</h2>
      <ul class="audience">
        <li>{t('workspace:sharing.own')}</li>
        {audience.public ? <li>{t('workspace:sharing.public')}</li> : null}
        {audience.shares.length === 0 ? <li>{t('workspace:sharing.none')}</li> : null}
        {audience.shares.map((s) => (
          <li>
            {t('workspace:sharing.share', {
              coalition: s.name,
              members: s.members.length ? s.members.join(', ') : t('workspace:sharing.no_members'),
            })}{' '}
            {s.fields.length ? t('workspace:sharing.share_extra', { fields: fieldNames(pc, s.fields) }) : t('workspace:sharing.share_basic')}
          </li>
        ))}
      </ul>
      {props.canShare ? (
        audience.coalitions.length === 0 ? (
          <p class="muted">{t('admin:sharing.no_coalition')}</p>
        ) : (
          <form method="post" action={`/incidents/${props.incidentId}/sharing`} class="share-form">
            <Csrf pc={pc} />
            <p class="hint">{t('admin:sharing.intro')}</p>
            {audience.coalitions.map((c) => {
              const current = audience.shares.find((s) => s.coalitionId === c.id);
              return (
                <fieldset>
                  <legend>{c.name}</legend>
                  <div class="check">
                    <input type="checkbox" id={`share-${c.id}`} name="coalition" value={c.id} checked={!!current} />
                    <label for={`share-${c.id}`}>{t('workspace:sharing.share_with', { coalition: c.name })}</label>
                  </div>
                  <p class="hint">{t('admin:sharing.extra_hint')}</p>
                  {extraFields.map((f) => (
                    <div class="check">
                      <input type="checkbox" id={`field-${c.id}-${f}`} name={`fields_${c.id}`} value={f} checked={current?.fields.includes(f)} />
                      <label for={`field-${c.id}-${f}`}>
                        {t('admin:sharing.extra')}: {t(`admin:sharing.field.${f}`)}
                      </label>
                    </div>
                  ))}
                </fieldset>
              );
            })}
            <button type="submit">{t('workspace:sharing.save')}</button>
          </form>
        )
      ) : null}
    </section>
  );
}

/**
 * The confirmation before sharing every case that matches the list's filters: it says how many,
 * and the form carries that number so that nothing is shared if the matches changed meanwhile.
 */
export function ShareMatchesPage(props: {
  pc: PageContext;
  filters: Record<string, string>;
  count: number;
  coalitions: { id: string; name: string }[];
  backHref: string;
  changed?: { expected: number } | undefined;
  error?: string | undefined;
}) {
  const { pc, count } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('workspace:sharing.bulk_title')}>
      <h1>{t('workspace:sharing.bulk_title')}</h1>
      {props.changed ? (
        <p class="notice" role="alert">
          {t('workspace:sharing.bulk_changed', { expected: props.changed.expected, count })}
        </p>
      ) : null}
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      <p>{t('workspace:sharing.bulk_count', { count })}</p>
      <p class="hint">{t('workspace:sharing.bulk_own_only')}</p>
      {count === 0 ? (
        <p>
          <a href={props.backHref}>{t('workspace:sharing.back')}</a>
        </p>
      ) : props.coalitions.length === 0 ? (
        <p class="muted">{t('admin:sharing.no_coalition')}</p>
      ) : (
        <form method="post" action="/incidents/share" class="share-form">
          <Csrf pc={pc} />
          {filterParams.map((k) => (props.filters[k] ? <input type="hidden" name={k} value={props.filters[k]} /> : null))}
          <input type="hidden" name="expected" value={String(count)} />
          <div class="field">
            <label for="coalitionId">{t('admin:sharing.coalition')}</label>
            <select id="coalitionId" name="coalitionId" required>
              {props.coalitions.map((c) => (
                <option value={c.id}>{c.name}</option>
              ))}
            </select>
          </div>
          <fieldset>
            <legend>{t('admin:sharing.extra')}</legend>
            <p class="hint">{t('admin:sharing.intro')}</p>
            <p class="hint">{t('admin:sharing.extra_hint')}</p>
            {extraFields.map((f) => (
              <div class="check">
                <input type="checkbox" id={`field-${f}`} name="fields" value={f} />
                <label for={`field-${f}`}>{t(`admin:sharing.field.${f}`)}</label>
              </div>
            ))}
          </fieldset>
          <p>
            <button type="submit">{t('workspace:sharing.bulk_confirm', { count })}</button> <a href={props.backHref}>{t('workspace:sharing.cancel')}</a>
          </p>
        </form>
      )}
    </Layout>
  );
}
