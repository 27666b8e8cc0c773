import type { PublicIncident } from '../../portal/index.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { placeLabel, vocabLabel } from '../format.js';
import { formatPartialDate } from '../../shared/dates.js';

export function HomePage(props: { pc: PageContext; incidents: PublicIncident[] }) {
  const { pc, incidents } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('ui:home.title')}>
      <h1>{t('ui:home.title')}</h1>
      <p>{t('ui:home.intro')}</p>
      <p>
        <a class="button" href="/login">
          {t('ui:nav.sign_in')}
        </a>
      </p>
      <nav aria-label={t('ui:home.public_nav')}>
        <ul class="home-links">
          <li>
            <a href="/statements">{t('ui:home.statements_link')}</a>
          </li>
          <li>
            <a href="/dashboards/VE">{t('ui:home.dashboard_link')}</a>
          </li>
        </ul>
      </nav>
      <h2>{t('ui:home.public_heading')}</h2>
      {incidents.length === 0 ? (
        <p class="muted">{t('ui:home.no_public')}</p>
      ) : (
        <ul class="cards">
          {incidents.map((i) => (
            <li class="card">
              {/* No page shows one published incident: the card leads to the country's figures that count it. */}
              <h3>{i.country ? <a href={`/dashboards/${i.country}`}>{i.title}</a> : i.title}</h3>
              <p class="meta">
                {[
                  i.month ? formatPartialDate(i.month, pc.lang) : '',
                  placeLabel({ country: i.country, subdivision: i.subdivision }, pc.lang),
                  i.organisation,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
              <p>
                {i.actTypes.map((a) => (
                  <span class="tag">{vocabLabel('act_type', a, pc.lang)}</span>
                ))}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
