/**
 * The case picker of a statement, without JavaScript: the cited cases with their titles (links to
 * the case), a search form (title or place words, dates) that reloads the editor with results, an
 * "add" button per result and a "remove" button per cited case. (The "use in a statement" form of
 * a case page is in ui/workspace/use-in-statement.tsx.)
 */
import { dateRangeLabel, placeLabel } from '../format.js';
import type { PageContext } from '../page-context.js';
import type { CaseSearch, CitedCase } from '../../statements/index.js';

function Csrf(props: { pc: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.pc.csrf} />;
}

/** "12 mar. 2021 · Caracas, Distrito Capital" — what tells two cases of the same title apart. */
export function caseFacts(c: CitedCase, pc: PageContext): string {
  return [dateRangeLabel(c as unknown as Record<string, unknown>, pc.lang), placeLabel(c as unknown as Record<string, unknown>, pc.lang)].filter(Boolean).join(' · ');
}

function CaseLine(props: { pc: PageContext; c: CitedCase }) {
  const facts = caseFacts(props.c, props.pc);
  return (
    <>
      <a href={`/incidents/${props.c.id}`}>{props.c.title}</a>
      {facts ? <span class="muted"> · {facts}</span> : null}
    </>
  );
}

export function CitedCasesSection(props: { pc: PageContext; statementId: string; cases: CitedCase[]; editable: boolean; search: CaseSearch | null; results: CitedCase[] }) {
  const { pc, statementId, cases, search, results } = props;
  const { t } = pc;
  const base = `/coordinate/statements/${statementId}`;
  const cited = new Set(cases.map((c) => c.id));
  return (
    <section aria-labelledby="h-cases" id="cases">
      <h2 id="h-cases">{t('statements:fields.incidents')}</h2>
      <p class="hint">{t('statements:cases.public_note')}</p>
      {cases.length ? (
        <ul class="cited-cases">
          {cases.map((c) => (
            <li>
              <CaseLine pc={pc} c={c} />
              {props.editable ? (
                <form method="post" action={`${base}/cases/remove`} class="inline">
                  <Csrf pc={pc} />
                  <input type="hidden" name="incidentId" value={c.id} />{' '}
                  <button type="submit" class="secondary" aria-label={t('statements:cases.remove_named', { title: c.title })}>
                    {t('statements:cases.remove')}
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('statements:cases.none')}</p>
      )}
      {props.editable ? (
        <>
          <form method="get" action={`${base}#cases`} class="case-search" role="search" aria-labelledby="h-case-search">
            <h3 id="h-case-search">{t('statements:cases.find')}</h3>
            <p class="field">
              <label for="caseQ">{t('statements:cases.words')}</label>
              <input id="caseQ" name="caseQ" type="search" value={search?.q ?? ''} />
              <span class="hint">{t('statements:cases.words_hint')}</span>
            </p>
            <p class="field">
              <label for="caseFrom">{t('statements:cases.from')}</label>
              <input id="caseFrom" name="caseFrom" inputmode="numeric" size={10} maxlength={10} value={search?.from ?? ''} aria-describedby="case-date-hint" />
            </p>
            <p class="field">
              <label for="caseTo">{t('statements:cases.to')}</label>
              <input id="caseTo" name="caseTo" inputmode="numeric" size={10} maxlength={10} value={search?.to ?? ''} aria-describedby="case-date-hint" />
              <span class="hint" id="case-date-hint">{t('statements:cases.date_hint')}</span>
            </p>
            <p>
              <button type="submit" class="secondary">
                {t('statements:cases.search')}
              </button>
            </p>
          </form>
          {search ? (
            results.length ? (
              <ul class="case-results" aria-label={t('statements:cases.results')}>
                {results.map((c) => (
                  <li>
                    <CaseLine pc={pc} c={c} />
                    {cited.has(c.id) ? (
                      <span class="muted"> · {t('statements:cases.already')}</span>
                    ) : (
                      <form method="post" action={`${base}/cases`} class="inline">
                        <Csrf pc={pc} />
                        <input type="hidden" name="incidentId" value={c.id} />{' '}
                        <button type="submit" aria-label={t('statements:cases.add_named', { title: c.title })}>
                          {t('statements:cases.add')}
                        </button>
                      </form>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p role="status">{t('statements:cases.no_results')}</p>
            )
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** On the new-statement form: the cases it will start with (hidden fields carry their ids). */
export function StartingCases(props: { pc: PageContext; cases: CitedCase[] }) {
  if (!props.cases.length) return null;
  return (
    <fieldset>
      <legend>{props.pc.t('statements:fields.incidents')}</legend>
      <ul class="cited-cases">
        {props.cases.map((c) => (
          <li>
            <input type="hidden" name="incidentIds" value={c.id} />
            <CaseLine pc={props.pc} c={c} />
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
