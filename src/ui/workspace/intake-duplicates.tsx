/**
 * "Possible duplicate" at the intake (issue 17 §1): the cases already held that look like the one
 * being entered, each with a link and the documenter's two answers as plain forms (no JavaScript
 * needed), and the banner of a draft that will be added to an existing case.
 */
import type { DuplicateCandidate } from '../../linkage/platform/index.js';
import { formatPartialDate } from '../../shared/dates.js';
import { isSubdivision, subdivisionName } from '../../vocab/places.js';
import type { PageContext } from '../page-context.js';
import { Csrf, Hidden } from './fields.js';
import type { IncidentDraft, Step } from './intake.model.js';

/** What made a candidate look alike, in words (levels of the linkage comparisons). */
function reasons(pc: PageContext, c: DuplicateCandidate): string {
  const out: string[] = [];
  const name = c.levels.victim_name;
  if (name === 'exact' || name === 'subset') out.push(pc.t('workspace:duplicates.why.name_same'));
  else if (name && name !== 'null' && name !== 'else') out.push(pc.t('workspace:duplicates.why.name_close'));
  const date = c.levels.date;
  if (date === 'exact') out.push(pc.t('workspace:duplicates.why.date_same'));
  else if (date === 'precision') out.push(pc.t('workspace:duplicates.why.date_within'));
  else if (date && date.startsWith('within_')) out.push(pc.t('workspace:duplicates.why.date_near', { days: Number(date.slice(7, -1)) }));
  if (c.levels.place === 'exact') out.push(pc.t('workspace:duplicates.why.place_same'));
  else if (c.levels.place === 'neighbour') out.push(pc.t('workspace:duplicates.why.place_near'));
  if (c.levels.act_type === 'exact') out.push(pc.t('workspace:duplicates.why.act_same'));
  else if (c.levels.act_type === 'related') out.push(pc.t('workspace:duplicates.why.act_related'));
  return out.join(', ');
}

export function DuplicatesPanel(props: { pc: PageContext; draftId: string; step: Step; next: Step; candidates: DuplicateCandidate[] }) {
  const { pc, candidates } = props;
  const { t, lang } = pc;
  if (candidates.length === 0) return null;
  return (
    <section class="duplicates notice" aria-labelledby="duplicates-title" id="duplicates">
      <h2 id="duplicates-title">{t('workspace:duplicates.title', { count: candidates.length })}</h2>
      <p>{t('workspace:duplicates.intro')}</p>
      <ul class="cards">
        {candidates.map((c, i) => (
          <li class="card">
            <h3 id={`dup-${i}`}>
              <a href={`/incidents/${c.incidentId}`} target="_blank" rel="noopener">
                {c.title}
              </a>
            </h3>
            <p class="meta">
              {[c.date ? formatPartialDate(c.date, lang, false) : t('workspace:duplicates.no_date'), c.subdivision && isSubdivision(c.subdivision) ? subdivisionName(c.subdivision, lang) : '']
                .filter(Boolean)
                .join(' · ')}
              {c.own ? '' : ` · ${t('workspace:duplicates.partner')}`}
            </p>
            <p>{t('workspace:duplicates.why_label', { reasons: reasons(pc, c) })}</p>
            <form method="post" action={`/incidents/new/${props.draftId}/duplicate`} aria-labelledby={`dup-${i}`}>
              <Csrf pc={pc} />
              <Hidden name="step" value={props.step} />
              <Hidden name="candidateOrganisationId" value={c.organisationId} />
              <Hidden name="candidateIncidentId" value={c.incidentId} />
              <Hidden name="weight" value={c.weight.toFixed(3)} />
              <div class="actions">
                <button type="submit" name="answer" value="same">
                  {c.own ? t('workspace:duplicates.same') : t('workspace:duplicates.same_partner')}
                </button>
                <button type="submit" name="answer" value="different" class="secondary">
                  {t('workspace:duplicates.different')}
                </button>
              </div>
            </form>
          </li>
        ))}
      </ul>
      <p>
        <a href={`/incidents/new/${props.draftId}/${props.next}`}>{t('workspace:duplicates.later')}</a>
      </p>
    </section>
  );
}

/** Shown on every step of a draft that will be added to an existing case. */
export function AddingToBanner(props: { pc: PageContext; draftId: string; draft: IncidentDraft }) {
  const { pc, draft } = props;
  const to = draft.addTo;
  if (!to) return null;
  return (
    <div class="notice adding-to" role="status">
      <p>
        {pc.t('workspace:duplicates.adding_to')} <a href={`/incidents/${to.incidentId}`}>{to.title}</a>
      </p>
      <p class="muted">{pc.t('workspace:duplicates.adding_to_hint')}</p>
      <form method="post" action={`/incidents/new/${props.draftId}/duplicate`}>
        <Csrf pc={pc} />
        <Hidden name="undo" value="1" />
        <button type="submit" class="secondary">
          {pc.t('workspace:duplicates.undo')}
        </button>
      </form>
    </div>
  );
}
