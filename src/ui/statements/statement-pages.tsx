/** Coordinator pages for joint statements: list, new, editor (versions, sign-on, status), version, import (invitations: signon-pages.tsx). */
import type { Child } from 'hono/jsx';
import { dateTimeLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { allowedTransitions, type StatementEditorView, type StatementSummary } from '../../statements/index.js';
import { languageName } from '../public/statement-page.js';

const when = (d: Date | null | undefined, pc: PageContext) => (d ? dateTimeLabel(d.toISOString(), pc.lang, pc.timeZone) : '');
const local = (d: Date | null | undefined) => (d ? d.toISOString().slice(0, 16) : '');

function Csrf(props: { pc: PageContext }) {
  return <input type="hidden" name="_csrf" value={props.pc.csrf} />;
}

function Field(props: { id: string; label: string; hint?: string; children: Child }) {
  return (
    <p class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? <span class="hint">{props.hint}</span> : null}
    </p>
  );
}

export function StatementListPage(props: { pc: PageContext; items: StatementSummary[] }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('statements:list.title')}>
      <h1>{t('statements:list.title')}</h1>
      <p>
        <a class="button" href="/coordinate/statements/new">
          {t('statements:list.new')}
        </a>{' '}
        <a class="button secondary" href="/coordinate/statements/import">
          {t('statements:list.import')}
        </a>{' '}
        <a href="/coordinate/invitations">{t('statements:list.invitations')}</a> · <a href="/statements">{t('statements:list.public_site')}</a>
      </p>
      {props.items.length === 0 ? (
        <p class="muted">{t('statements:list.empty')}</p>
      ) : (
        <table>
          <caption class="muted">{t('statements:list.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('statements:fields.title')}</th>
              <th scope="col">{t('statements:fields.status')}</th>
              <th scope="col">{t('statements:fields.languages')}</th>
              <th scope="col">{t('statements:list.signed')}</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((s) => (
              <tr>
                <td>
                  <a href={`/coordinate/statements/${s.id}`}>{s.title}</a>
                </td>
                <td>
                  {t(`statements:status.${s.status}`)}
                  {s.status === 'scheduled' && s.embargoUntil ? <span class="muted"> ({when(s.embargoUntil, pc)})</span> : null}
                </td>
                <td>
                  {s.languages.join(', ')}
                  {s.staleLanguages.length ? <strong class="flag"> · {t('statements:list.stale', { langs: s.staleLanguages.join(', ') })}</strong> : null}
                </td>
                <td>{t('statements:list.signed_of', { signed: s.signed, invited: s.invited })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function MetadataFields(props: { pc: PageContext; s?: StatementEditorView }) {
  const { pc, s } = props;
  const { t } = pc;
  return (
    <>
      <Field id="countries" label={t('statements:fields.countries')} hint={t('statements:hints.countries')}>
        <input id="countries" name="countries" value={s?.countries.join(', ') ?? ''} />
      </Field>
      <Field id="themes" label={t('statements:fields.themes')} hint={t('statements:hints.themes')}>
        <input id="themes" name="themes" value={s?.themes.join(', ') ?? ''} />
      </Field>
      <Field id="statementDate" label={t('statements:fields.date')}>
        <input id="statementDate" name="statementDate" type="date" value={s?.statementDate ?? ''} />
      </Field>
      <Field id="signDeadline" label={t('statements:fields.sign_deadline')} hint={t('statements:hints.utc')}>
        <input id="signDeadline" name="signDeadline" type="datetime-local" value={local(s?.signDeadline)} />
      </Field>
      <Field id="pressName" label={t('statements:fields.press_name')}>
        <input id="pressName" name="pressName" value={s?.press.name ?? ''} />
      </Field>
      <Field id="pressEmail" label={t('statements:fields.press_email')}>
        <input id="pressEmail" name="pressEmail" type="email" value={s?.press.email ?? ''} />
      </Field>
      <Field id="pressPhone" label={t('statements:fields.press_phone')}>
        <input id="pressPhone" name="pressPhone" value={s?.press.phone ?? ''} />
      </Field>
      <Field id="incidentIds" label={t('statements:fields.incidents')} hint={t('statements:hints.incidents')}>
        <textarea id="incidentIds" name="incidentIds" rows={3}>
          {s?.incidents.map((i) => i.id).join('\n') ?? ''}
        </textarea>
      </Field>
      <p class="check">
        <input id="openSignon" name="openSignon" type="checkbox" value="on" checked={s?.openSignon ?? false} />
        <label for="openSignon">{t('statements:fields.open_signon')}</label>
      </p>
    </>
  );
}

function VersionFields(props: { pc: PageContext; v?: { title: string; lead: string; body: string; translator: string | null; heroAlt: string | null } }) {
  const { pc, v } = props;
  const { t } = pc;
  return (
    <>
      <Field id="title" label={t('statements:fields.title')}>
        <input id="title" name="title" required value={v?.title ?? ''} />
      </Field>
      <Field id="lead" label={t('statements:fields.lead')}>
        <textarea id="lead" name="lead" rows={3}>
          {v?.lead ?? ''}
        </textarea>
      </Field>
      <Field id="body" label={t('statements:fields.body')} hint={t('statements:hints.body')}>
        <textarea id="body" name="body" rows={16}>
          {v?.body ?? ''}
        </textarea>
      </Field>
      <Field id="translator" label={t('statements:fields.translator')}>
        <input id="translator" name="translator" value={v?.translator ?? ''} />
      </Field>
      <Field id="heroAlt" label={t('statements:fields.hero_alt')}>
        <input id="heroAlt" name="heroAlt" value={v?.heroAlt ?? ''} />
      </Field>
    </>
  );
}

export function NewStatementPage(props: { pc: PageContext }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('statements:new.title')}>
      <h1>{t('statements:new.title')}</h1>
      <form method="post" action="/coordinate/statements" class="stack">
        <Csrf pc={pc} />
        <Field id="sourceLang" label={t('statements:fields.source_lang')} hint={t('statements:hints.lang')}>
          <input id="sourceLang" name="sourceLang" required value={pc.lang} />
        </Field>
        <Field id="slug" label={t('statements:fields.slug')} hint={t('statements:hints.slug')}>
          <input id="slug" name="slug" />
        </Field>
        <VersionFields pc={pc} />
        <MetadataFields pc={pc} />
        <p>
          <button type="submit">{t('statements:new.submit')}</button>
        </p>
      </form>
    </Layout>
  );
}

const statusClass = (status: string) => `status status-${status}`;

export function StatementEditorPage(props: { pc: PageContext; s: StatementEditorView; organisations: { id: string; name: string }[] }) {
  const { pc, s } = props;
  const { t } = pc;
  const base = `/coordinate/statements/${s.id}`;
  const source = s.versions.find((v) => v.lang === s.sourceLang);
  const published = s.status === 'published' || s.status === 'corrected' || s.status === 'withdrawn';
  const individuals = s.signatories.filter((g) => g.kind === 'individual');
  const orgs = s.signatories.filter((g) => g.kind === 'organisation');
  return (
    <Layout pc={pc} title={source?.title ?? s.slug} wide>
      <p>
        <a href="/coordinate/statements">← {t('statements:list.title')}</a>
      </p>
      <h1>{source?.title ?? s.slug}</h1>
      <p>
        <span class={statusClass(s.status)}>{t(`statements:status.${s.status}`)}</span>
        {s.status === 'scheduled' && s.embargoUntil ? <span> · {t('statements:editor.embargo_until', { when: when(s.embargoUntil, pc) })}</span> : null}
        {s.publishedAt ? <span> · {t('statements:editor.published_at', { when: when(s.publishedAt, pc) })}</span> : null}
      </p>

      <section aria-labelledby="h-versions">
        <h2 id="h-versions">{t('statements:editor.versions')}</h2>
        <ul>
          {s.versions.map((v) => (
            <li>
              <a href={`${base}/versions/${v.lang}`}>
                {languageName(v.lang, pc.lang)} ({v.lang})
              </a>{' '}
              — {v.title}
              {v.lang === s.sourceLang ? <span class="muted"> · {t('statements:editor.source')}</span> : null}
              {v.stale ? <strong class="flag"> · {t('statements:editor.stale', { source: v.sourceRevision ?? 0, current: source?.revision ?? 0 })}</strong> : null}
              {published ? (
                <span>
                  {' '}
                  · <a href={`/statements/${v.slug}`}>{t('statements:editor.public_page')}</a>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
        <form method="get" action={`${base}/versions/new`} class="inline">
          <label for="newLang">{t('statements:editor.add_language')}</label> <input id="newLang" name="tag" size={8} required />{' '}
          <button type="submit" class="secondary">
            {t('statements:editor.add')}
          </button>
        </form>
      </section>

      <section aria-labelledby="h-status" class="status-actions">
        <h2 id="h-status">{t('statements:editor.status')}</h2>
        {allowedTransitions(s.status).map((to) =>
          to === 'published' ? (
            <p class="inline">
              <a class="button" href={`${base}/publish`}>
                {t('statements:actions.published')}
              </a>{' '}
            </p>
          ) : (
          <form method="post" action={`${base}/status`} class="inline">
            <Csrf pc={pc} />
            <input type="hidden" name="to" value={to} />
            {to === 'scheduled' ? (
              <>
                <label for="embargoUntil">{t('statements:fields.embargo_until')}</label> <input id="embargoUntil" name="embargoUntil" type="datetime-local" required />{' '}
              </>
            ) : null}
            <button type="submit">{t(`statements:actions.${to}`)}</button>{' '}
          </form>
          ),
        )}
        {published && s.status !== 'withdrawn' ? (
          <>
            <form method="post" action={`${base}/correction`} class="stack">
              <Csrf pc={pc} />
              <h3>{t('statements:editor.correction')}</h3>
              {s.versions.map((v) => (
                <Field id={`note_${v.lang}`} label={t('statements:editor.note_in', { language: languageName(v.lang, pc.lang) })}>
                  <textarea id={`note_${v.lang}`} name={`note_${v.lang}`} rows={2} />
                </Field>
              ))}
              <p>
                <button type="submit">{t('statements:actions.correct')}</button>
              </p>
            </form>
            <form method="post" action={`${base}/withdraw`} class="stack">
              <Csrf pc={pc} />
              <h3>{t('statements:editor.withdraw')}</h3>
              <Field id="note" label={t('statements:fields.withdrawal_note')}>
                <textarea id="note" name="note" rows={2} required />
              </Field>
              <p>
                <button type="submit" class="danger">
                  {t('statements:actions.withdraw')}
                </button>
              </p>
            </form>
          </>
        ) : null}
      </section>

      <section aria-labelledby="h-signatories">
        <h2 id="h-signatories">{t('statements:editor.signatories')}</h2>
        {orgs.length ? (
          <form method="post" action={`${base}/order`}>
            <Csrf pc={pc} />
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('statements:editor.position')}</th>
                  <th scope="col">{t('statements:editor.organisation')}</th>
                  <th scope="col">{t('statements:editor.channel')}</th>
                  <th scope="col">{t('statements:fields.status')}</th>
                  <th scope="col">{t('statements:editor.when')}</th>
                </tr>
              </thead>
              <tbody>
                {orgs.map((g, i) => (
                  <tr>
                    <td>
                      <label class="visually-hidden" for={`pos_${g.id}`}>
                        {t('statements:editor.position')}
                      </label>
                      <input id={`pos_${g.id}`} name={`pos_${g.id}`} type="number" min="1" size={3} value={String(g.sortKey ?? i + 1)} />
                    </td>
                    <td>
                      {Object.entries(g.names)
                        .map(([l, n]) => `${n} (${l})`)
                        .join(' · ') || <span class="muted">{t('statements:editor.no_name_yet')}</span>}
                      {g.contact ? <div class="muted">{g.contact}</div> : null}
                      {g.signerName ? <div class="muted">{t('statements:editor.signed_by', { name: g.signerName })}</div> : null}
                    </td>
                    <td>{t(`statements:channel.${g.channel}`)}</td>
                    <td>{t(`statements:sig_status.${g.status}`)}</td>
                    <td>{when(g.withdrawnAt ?? g.declinedAt ?? g.signedAt ?? g.openedAt ?? g.createdAt, pc)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <label for="mode">{t('statements:fields.order')}</label>{' '}
              <select id="mode" name="mode">
                <option value="alpha" selected={s.signatoryOrder === 'alpha'}>
                  {t('statements:order.alpha')}
                </option>
                <option value="manual" selected={s.signatoryOrder === 'manual'}>
                  {t('statements:order.manual')}
                </option>
              </select>{' '}
              <button type="submit" class="secondary">
                {t('statements:actions.save_order')}
              </button>
            </p>
          </form>
        ) : (
          <p class="muted">{t('statements:editor.no_signatories')}</p>
        )}
        {!published ? (
          <form method="post" action={`${base}/invite`} class="stack">
            <Csrf pc={pc} />
            <h3>{t('statements:editor.invite')}</h3>
            <Field id="inv-email" label={t('statements:fields.invite_email')}>
              <input id="inv-email" name="email" type="email" />
            </Field>
            <Field id="inv-org" label={t('statements:fields.invite_org')}>
              <select id="inv-org" name="organisationId">
                <option value="">—</option>
                {props.organisations.map((o) => (
                  <option value={o.id}>{o.name}</option>
                ))}
              </select>
            </Field>
            <Field id="inv-name" label={t('statements:fields.invite_name')}>
              <input id="inv-name" name="name" />
            </Field>
            {s.status === 'draft' ? (
              <p class="check">
                <input id="inv-open" name="openNow" type="checkbox" value="on" checked aria-describedby="inv-open-hint" />
                <label for="inv-open">{t('statements:platform.open_now')}</label>
                <span class="hint" id="inv-open-hint">
                  {t('statements:platform.open_now_hint')}
                </span>
              </p>
            ) : null}
            <Field id="inv-lang" label={t('statements:fields.invite_lang')}>
              <select id="inv-lang" name="lang">
                <option value="es" selected={pc.lang === 'es'}>
                  {t('common:lang.es')}
                </option>
                <option value="en" selected={pc.lang === 'en'}>
                  {t('common:lang.en')}
                </option>
              </select>
            </Field>
            <p>
              <button type="submit">{t('statements:actions.invite')}</button>
            </p>
          </form>
        ) : null}
        {individuals.length ? (
          <>
            <h3>{t('statements:editor.individuals')}</h3>
            <ul>
              {individuals.map((g) => (
                <li>
                  {g.signerName} <span class="muted">({g.contact})</span> — {t(`statements:sig_status.${g.status}`)}
                  {g.status === 'pending' ? (
                    <>
                      {' '}
                      <form method="post" action={`${base}/signatories/${g.id}/moderate`} class="inline">
                        <Csrf pc={pc} />
                        <button type="submit" name="approve" value="1">
                          {t('statements:actions.approve')}
                        </button>{' '}
                        <button type="submit" name="approve" value="0" class="secondary">
                          {t('statements:actions.reject')}
                        </button>
                      </form>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="h-meta">
        <h2 id="h-meta">{t('statements:editor.details')}</h2>
        <form method="post" action={base} class="stack">
          <Csrf pc={pc} />
          <input type="hidden" name="version" value={String(s.version)} />
          <MetadataFields pc={pc} s={s} />
          <p>
            <button type="submit">{t('statements:actions.save')}</button>
          </p>
        </form>
        <form method="post" action={`${base}/hero`} enctype="multipart/form-data" class="stack">
          <Csrf pc={pc} />
          <h3>{t('statements:editor.hero')}</h3>
          {s.hero ? <img class="statement-thumb" src={`/statements/media/${s.hero.key}-800.jpg`} alt={source?.heroAlt ?? ''} width={String(s.hero.width)} height={String(s.hero.height)} /> : null}
          <Field id="hero" label={t('statements:fields.hero')} hint={t('statements:hints.hero')}>
            <input id="hero" name="hero" type="file" accept="image/jpeg,image/png,image/webp" required />
          </Field>
          <Field id="heroCredit" label={t('statements:fields.hero_credit')}>
            <input id="heroCredit" name="heroCredit" value={s.heroCredit ?? ''} />
          </Field>
          <p>
            <button type="submit">{t('statements:actions.upload')}</button>
          </p>
        </form>
      </section>

      <section aria-labelledby="h-history">
        <h2 id="h-history">{t('statements:editor.history')}</h2>
        <ol>
          {s.events.map((e) => (
            <li>
              {when(e.at, pc)} — {t(`statements:events.${e.event.replace('.', '_')}`)}
              {e.from && e.to ? ` (${t(`statements:status.${e.from}`)} → ${t(`statements:status.${e.to}`)})` : ''}
              {typeof e.detail.lang === 'string' ? ` · ${e.detail.lang}` : ''}
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}

export function VersionPage(props: { pc: PageContext; s: StatementEditorView; lang: string }) {
  const { pc, s, lang } = props;
  const { t } = pc;
  const v = s.versions.find((x) => x.lang === lang);
  const source = s.versions.find((x) => x.lang === s.sourceLang);
  const isSource = lang === s.sourceLang;
  return (
    <Layout pc={pc} title={t('statements:version.title', { language: languageName(lang, pc.lang) })} wide>
      <p>
        <a href={`/coordinate/statements/${s.id}`}>← {source?.title}</a>
      </p>
      <h1>{t('statements:version.title', { language: languageName(lang, pc.lang) })}</h1>
      {v?.stale ? (
        <p class="flag" role="status">
          {t('statements:editor.stale', { source: v.sourceRevision ?? 0, current: source?.revision ?? 0 })}
        </p>
      ) : null}
      <div class="columns">
        {!isSource && source ? (
          <section aria-labelledby="h-source" class="source-text">
            <h2 id="h-source">{t('statements:version.source', { language: languageName(s.sourceLang, pc.lang) })}</h2>
            <div lang={s.sourceLang}>
              <p>
                <strong>{source.title}</strong>
              </p>
              <p>{source.lead}</p>
              <pre class="source">{source.body}</pre>
            </div>
          </section>
        ) : null}
        <form method="post" action={`/coordinate/statements/${s.id}/versions/${lang}`} class="stack" lang={lang}>
          <Csrf pc={pc} />
          <VersionFields pc={pc} v={v} />
          <p>
            <button type="submit">{t('statements:actions.save')}</button>
          </p>
        </form>
      </div>
    </Layout>
  );
}

export function ImportPage(props: { pc: PageContext }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={t('statements:import.title')}>
      <h1>{t('statements:import.title')}</h1>
      <p>{t('statements:import.explain')}</p>
      <form method="post" action="/coordinate/statements/import" class="stack" enctype="multipart/form-data">
        <Csrf pc={pc} />
        <Field id="text" label={t('statements:import.text')}>
          <textarea id="text" name="text" rows={20} />
        </Field>
        <Field id="file" label={t('statements:import.file')}>
          <input id="file" name="file" type="file" accept=".txt,.md,text/plain,text/markdown" />
        </Field>
        <Field id="lang" label={t('statements:fields.source_lang')} hint={t('statements:hints.lang')}>
          <input id="lang" name="lang" required value={pc.lang} />
        </Field>
        <Field id="countries" label={t('statements:fields.countries')} hint={t('statements:hints.countries')}>
          <input id="countries" name="countries" />
        </Field>
        <Field id="themes" label={t('statements:fields.themes')} hint={t('statements:hints.themes')}>
          <input id="themes" name="themes" />
        </Field>
        <p>
          <button type="submit">{t('statements:import.submit')}</button>
        </p>
      </form>
    </Layout>
  );
}
