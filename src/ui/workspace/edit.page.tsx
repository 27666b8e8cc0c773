/** Edit forms (each carries the version it edits) and the side-by-side conflict merge. */
import { countryName, isCountry, isSubdivision, subdivisionName } from '../../vocab/places.js';
import { vocabLabel } from '../format.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';
import { CheckField, Csrf, CountrySelect, DateField, ErrorSummary, Hidden, Select, SubdivisionSelect, TextField, VocabSelect, type Errors } from './fields.js';
import { formKeys, type EditField } from './edit.model.js';

export function fieldLabel(pc: PageContext, name: string): string {
  return pc.t(`workspace:field.${name}`, { defaultValue: name });
}

export function EditFields(props: { pc: PageContext; spec: EditField[]; values: Record<string, string>; errors: Errors }) {
  const { pc, values: v, errors: e } = props;
  return (
    <>
      {props.spec.map((f) => {
        const label = fieldLabel(pc, f.name);
        switch (f.kind) {
          case 'text':
            return <TextField id={f.name} label={label} value={v[f.name]} error={e[f.name]} />;
          case 'textarea':
            return <TextField id={f.name} label={label} value={v[f.name]} error={e[f.name]} multiline />;
          case 'date':
            return <DateField pc={pc} id={f.name} label={label} value={v[f.name]} approximate={v[f.approx!] === 'on'} error={e[f.name]} />;
          case 'bool':
            return <CheckField id={f.name} label={label} checked={v[f.name] === 'on'} />;
          case 'vocab':
            return <VocabSelect pc={pc} vocab={f.vocab!} id={f.name} label={label} value={v[f.name]} error={e[f.name]} />;
          case 'country':
            return <CountrySelect pc={pc} id={f.name} value={v[f.name]} error={e[f.name]} />;
          case 'subdivision':
            return <SubdivisionSelect pc={pc} id={f.name} country={v.country} value={v[f.name]} error={e[f.name]} />;
          case 'number':
            return <TextField id={f.name} label={label} value={v[f.name]} error={e[f.name]} type="number" />;
          case 'kind':
            return <Select id={f.name} label={label} value={v[f.name]} empty={null} options={['person', 'organisation', 'group'].map((x) => ({ value: x, label: pc.t(`workspace:field.kind_${x}`) }))} />;
          case 'visibility':
            return (
              // Shared or not is set by the shares (case page), never here: only "public" is chosen.
              <Select id={f.name} label={label} hint={pc.t('workspace:sharing.visibility_hint')} value={v[f.name]} empty={null} options={[v[f.name] === 'coalition' ? 'coalition' : 'private', 'public'].map((x) => ({ value: x, label: pc.t(`ui:visibility.${x}`) }))} />
            );
        }
      })}
    </>
  );
}

/** `create`: a new record (no version to carry, no reason for a change). */
export function EditPage(props: { pc: PageContext; title: string; action: string; cancel: string; spec: EditField[]; values: Record<string, string>; version: number; errors: Errors; create?: boolean }) {
  const { pc } = props;
  const { t } = pc;
  return (
    <Layout pc={pc} title={props.title}>
      <h1>{props.title}</h1>
      <ErrorSummary pc={pc} errors={props.errors} />
      <form method="post" action={props.action} class="edit" novalidate>
        <Csrf pc={pc} />
        {props.create ? null : <Hidden name="version" value={props.version} />}
        <EditFields pc={pc} spec={props.spec} values={props.values} errors={props.errors} />
        {props.create ? null : <TextField id="reason" label={t('workspace:field.reason')} hint={t('workspace:field.reason_hint')} value="" />}
        <div class="actions">
          <button type="submit">{t('workspace:edit.save')}</button>
          <a href={props.cancel}>{t('workspace:edit.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}

/** A stored form value in words (codes as labels, booleans as yes/no). */
export function displayValue(pc: PageContext, spec: EditField[], key: string, value: string): string {
  if (value === '') return pc.t('workspace:field.empty');
  const f = spec.find((x) => x.name === key);
  if (!f) return value === 'on' ? pc.t('workspace:field.yes') : value;
  if (f.kind === 'bool') return value === 'on' ? pc.t('workspace:field.yes') : pc.t('workspace:field.no');
  if (f.kind === 'vocab') return vocabLabel(f.vocab!, value, pc.lang);
  if (f.kind === 'country') return isCountry(value) ? countryName(value, pc.lang) : value;
  if (f.kind === 'subdivision') return isSubdivision(value) ? subdivisionName(value, pc.lang) : value;
  if (f.kind === 'visibility') return pc.t(`ui:visibility.${value}`);
  if (f.kind === 'kind') return pc.t(`workspace:field.kind_${value}`);
  return value;
}

export function ConflictPage(props: {
  pc: PageContext;
  title: string;
  action: string;
  spec: EditField[];
  yours: Record<string, string>;
  current: Record<string, string>;
  currentVersion: number;
  currentBy: string | null;
  reason: string;
}) {
  const { pc, yours, current } = props;
  const { t } = pc;
  const keys = formKeys(props.spec);
  const diff = keys.filter((k) => (yours[k] ?? '') !== (current[k] ?? ''));
  return (
    <Layout pc={pc} title={t('workspace:conflict.title')} wide>
      <h1>{t('workspace:conflict.title')}</h1>
      <p class="notice" role="alert">
        {t('workspace:conflict.explain', { who: props.currentBy ?? t('workspace:conflict.someone'), version: props.currentVersion })}
      </p>
      <h2>{props.title}</h2>
      <form method="post" action={props.action} class="merge">
        <Csrf pc={pc} />
        <Hidden name="version" value={props.currentVersion} />
        <Hidden name="merge" value="1" />
        {keys.filter((k) => !diff.includes(k)).map((k) => (
          <Hidden name={k} value={yours[k]} />
        ))}
        <div class="table-wrap">
          <table class="conflict">
            <caption class="visually-hidden">{t('workspace:conflict.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('workspace:conflict.field')}</th>
                <th scope="col">{t('workspace:conflict.yours')}</th>
                <th scope="col">{t('workspace:conflict.current')}</th>
                <th scope="col">{t('workspace:field.other')}</th>
              </tr>
            </thead>
            <tbody>
              {diff.map((k) => {
                const label = fieldLabel(pc, k);
                return (
                  <tr>
                    <th scope="row">{label}</th>
                    <td data-label={t('workspace:conflict.yours')}>
                      <Hidden name={`${k}__yours`} value={yours[k]} />
                      <input type="radio" id={`${k}__y`} name={`${k}__pick`} value="yours" checked />
                      <label for={`${k}__y`} class="inline-label">
                        <span class="visually-hidden">{`${label}: ${t('workspace:conflict.keep_yours')}: `}</span>
                        {displayValue(pc, props.spec, k, yours[k] ?? '')}
                      </label>
                    </td>
                    <td data-label={t('workspace:conflict.current')}>
                      <Hidden name={`${k}__current`} value={current[k]} />
                      <input type="radio" id={`${k}__c`} name={`${k}__pick`} value="current" />
                      <label for={`${k}__c`} class="inline-label">
                        <span class="visually-hidden">{`${label}: ${t('workspace:conflict.keep_current')}: `}</span>
                        {displayValue(pc, props.spec, k, current[k] ?? '')}
                      </label>
                    </td>
                    <td data-label={t('workspace:field.other')}>
                      <input type="radio" id={`${k}__e`} name={`${k}__pick`} value="edit" />
                      <label for={`${k}__e`} class="inline-label">
                        <span class="visually-hidden">{`${label}: `}</span>
                        {t('workspace:field.other')}
                      </label>
                      <label for={`${k}__edit`} class="visually-hidden">{`${label}: ${t('workspace:conflict.merged')}`}</label>
                      <input type="text" id={`${k}__edit`} name={`${k}__edit`} value={yours[k] ?? ''} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <TextField id="reason" label={t('workspace:field.reason')} hint={t('workspace:field.reason_hint')} value={props.reason} />
        <p>
          <button type="submit">{t('workspace:conflict.save')}</button>
        </p>
      </form>
    </Layout>
  );
}
