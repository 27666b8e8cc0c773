/** "Use in a statement" on a case page: add the case to one of the organisation's statements or start a new one. */
import type { PageContext } from '../page-context.js';

function Csrf(props: { pc: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.pc.csrf} />;
}

/** On a case page: add this case to one of the organisation's statements, or start a new one with it. */
export function UseInStatementForm(props: { pc: PageContext; incidentId: string; statements: { id: string; title: string; status: string; cites: boolean }[] }) {
  const { pc } = props;
  const { t } = pc;
  const open = props.statements.filter((s) => !s.cites);
  return (
    <section aria-labelledby="h-use-statement">
      <h2 id="h-use-statement">{t('statements:cases.use_title')}</h2>
      {props.statements.some((s) => s.cites) ? (
        <p>
          {t('statements:cases.cited_in')}{' '}
          {props.statements
            .filter((s) => s.cites)
            .map((s, i) => (
              <>
                {i ? ', ' : ''}
                <a href={`/coordinate/statements/${s.id}#cases`}>{s.title}</a>
              </>
            ))}
        </p>
      ) : null}
      <form method="post" action="/coordinate/statements/cite" class="inline">
        <Csrf pc={pc} />
        <input type="hidden" name="incidentId" value={props.incidentId} />
        <label for="use-statement">{t('statements:cases.use_in')}</label>{' '}
        <select id="use-statement" name="statementId">
          <option value="new">{t('statements:cases.new_statement')}</option>
          {open.map((s) => (
            <option value={s.id}>
              {s.title} ({t(`statements:status.${s.status}`)})
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="secondary">
          {t('statements:cases.use')}
        </button>
      </form>
    </section>
  );
}
