import type { Presented } from '../../records/index.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { dateRangeLabel, placeLabel, vocabLabel } from '../format.js';

export function IncidentListPage(props: {
  pc: PageContext;
  items: Presented[];
  q: string;
  nextHref: string | null;
}) {
  const { pc, items } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('ui:incidents.title')}>
      <h1>{t('ui:incidents.title')}</h1>
      <form method="get" action="/incidents" class="search" role="search">
        <div>
          <label for="q">{t('ui:incidents.search')}</label>
          <input id="q" name="q" type="search" value={props.q} />
        </div>
        <button type="submit">{t('ui:incidents.search_button')}</button>
      </form>
      {items.length === 0 ? (
        <p class="muted">{t('ui:incidents.none')}</p>
      ) : (
        <ul class="cards">
          {items.map((i) => (
            <li class="card">
              <h2>
                <a href={`/incidents/${i.id}`}>{String(i.title)}</a>
              </h2>
              <p class="meta">
                {[
                  dateRangeLabel(i, pc.lang),
                  placeLabel(i, pc.lang),
                  vocabLabel('incident_status', i.status, pc.lang),
                  t(`ui:visibility.${String(i.visibility)}`),
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
          <a href={props.nextHref}>{t('ui:incidents.next_page')}</a>
        </p>
      ) : null}
    </Layout>
  );
}
