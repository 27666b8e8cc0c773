/** The directory of defenders and organisations: search by full name, filters, each entry linking to its timeline. */
import type { ActorEntry } from '../../records/index.js';
import { vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { vocabOptions } from './fields.js';

export function ActorsPage(props: { pc: PageContext; items: ActorEntry[]; query: { q?: string; kind?: string; sector?: string }; nextHref: string | null }) {
  const { pc, query } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('workspace:actors.title')}>
      <h1>{t('workspace:actors.title')}</h1>
      <p class="hint">{t('workspace:actors.intro')}</p>
      <form method="get" action="/actors" class="list-search" role="search">
        <div class="field grow">
          <label for="q">
            {t('workspace:actors.search')}
            <span class="hint" id="q-hint">
              {t('workspace:actors.search_hint')}
            </span>
          </label>
          <input id="q" name="q" type="search" value={query.q ?? ''} aria-describedby="q-hint" />
        </div>
        <div class="field">
          <label for="kind">{t('workspace:actors.kind')}</label>
          <select id="kind" name="kind">
            <option value="">{t('workspace:actors.any')}</option>
            {(['person', 'organisation', 'group'] as const).map((k) => (
              <option value={k} selected={query.kind === k}>
                {t(`workspace:field.kind_${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="sector">{t('workspace:actors.sector')}</label>
          <select id="sector" name="sector">
            <option value="">{t('workspace:actors.any')}</option>
            {vocabOptions('defender_sector', pc.lang).map((o) => (
              <option value={o.value} selected={query.sector === o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('workspace:list.search_button')}</button>
      </form>
      {props.items.length === 0 ? (
        <p class="muted">{t('workspace:actors.none')}</p>
      ) : (
        <ul class="cards">
          {props.items.map((a) => (
            <li class="card">
              <h2>
                <a href={`/actors/${a.id}`}>{typeof a.name === 'string' ? a.name : t('workspace:actor.withheld')}</a>
              </h2>
              <p class="meta">
                {[
                  t(`workspace:field.kind_${String(a.kind)}`),
                  Array.isArray(a.sectors) ? (a.sectors as string[]).map((s) => vocabLabel('defender_sector', s, pc.lang)).join(', ') : '',
                  t('workspace:actors.acts', { count: a.actCount }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            </li>
          ))}
        </ul>
      )}
      {props.nextHref ? (
        <p class="pager">
          <a href={props.nextHref} rel="next">
            {t('workspace:list.next_page')}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
