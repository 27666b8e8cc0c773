/** The controlled vocabularies as users see them, and the form to propose a term. */
import type { Proposal } from '../../access/index.js';
import type { Vocabulary } from '../../vocab/index.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export function VocabListPage(props: { pc: PageContext; items: { name: string; version: string; labels: { es: string; en: string }; size: number }[] }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('admin:vocab.title')}>
      <h1>{t('admin:vocab.title')}</h1>
      <p>{t('admin:vocab.intro')}</p>
      <ul class="cards">
        {props.items.map((v) => (
          <li class="card">
            <h2>
              <a href={`/vocabularies/${v.name}`}>{v.labels[pc.lang]}</a>
            </h2>
            <p class="meta">{t('admin:vocab.meta', { count: v.size, version: v.version, name: v.name })}</p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function VocabPage(props: { pc: PageContext; vocab: Vocabulary; proposals: Proposal[]; canPropose: boolean; message?: string; error?: string }) {
  const { pc, vocab } = props;
  const { t, lang } = pc;
  const groups = vocab.terms.filter((x) => x.depth === 0);
  return (
    <Layout pc={pc} title={vocab.labels[lang]} wide>
      <h1>{vocab.labels[lang]}</h1>
      <p class="meta">{t('admin:vocab.meta', { count: vocab.terms.length, version: vocab.version, name: vocab.name })}</p>
      {props.message ? (
        <p class="notice ok" role="status">
          {props.message}
        </p>
      ) : null}
      {props.error ? (
        <div class="error-summary" role="alert">
          <p>{props.error}</p>
        </div>
      ) : null}
      <div class="table-wrap" tabindex={0} role="region" aria-label={vocab.labels[lang]}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('admin:vocab.code')}</th>
              <th scope="col">Español</th>
              <th scope="col">English</th>
              <th scope="col">ESF</th>
            </tr>
          </thead>
          <tbody>
            {groups.flatMap((g) => [g, ...vocab.terms.filter((x) => x.parent === g.code)]).map((x) => (
              <tr>
                <td>
                  <code>{x.depth ? `  ${x.code}` : x.code}</code>
                  {x.deprecated ? <span class="tag">{t('admin:vocab.deprecated')}</span> : null}
                </td>
                <td lang="es">{x.depth ? '— ' : ''}{x.labels.es}</td>
                <td lang="en">{x.depth ? '— ' : ''}{x.labels.en}</td>
                <td>{x.esf ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.proposals.length ? (
        <>
          <h2>{t('admin:vocab.proposals')}</h2>
          <ul>
            {props.proposals.map((p) => (
              <li>
                <span lang="es">{p.labelEs}</span> / <span lang="en">{p.labelEn}</span>
                {p.parentCode ? ` (${p.parentCode})` : ''} · {t(`admin:vocab.status.${p.status}`)} · {p.proposedBy ?? ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {props.canPropose ? (
        <>
          <h2>{t('admin:vocab.propose_title')}</h2>
          <p class="hint">{t('admin:vocab.propose_hint')}</p>
          <form method="post" action={`/vocabularies/${vocab.name}/proposals`}>
            <input type="hidden" name="_csrf" value={pc.csrf} />
            <label for="labelEs">{t('admin:vocab.label_es')}</label>
            <input id="labelEs" name="labelEs" type="text" required lang="es" />
            <label for="labelEn">{t('admin:vocab.label_en')}</label>
            <input id="labelEn" name="labelEn" type="text" required lang="en" />
            {groups.some((g) => vocab.terms.some((x) => x.parent === g.code)) ? (
              <>
                <label for="parentCode">{t('admin:vocab.parent')}</label>
                <select id="parentCode" name="parentCode">
                  <option value="">—</option>
                  {groups.map((g) => (
                    <option value={g.code}>{g.labels[lang]}</option>
                  ))}
                </select>
              </>
            ) : null}
            <label for="note">{t('admin:vocab.note')}</label>
            <textarea id="note" name="note" />
            <p>
              <button type="submit">{t('admin:vocab.propose')}</button>
            </p>
          </form>
        </>
      ) : null}
    </Layout>
  );
}
