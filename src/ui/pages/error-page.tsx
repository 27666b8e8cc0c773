import type { FastifyRequest } from 'fastify';
import type { AppError } from '../../shared/errors.js';
import { t as translate } from '../../shared/i18n/index.js';
import { Layout } from '../layout.js';
import { basicContext, type PageContext } from '../page-context.js';
import { renderDocument } from '../render.js';
import { errorText } from '../../shared/error-text.js';

/** `signedIn`: the page context of a signed-in person, whose header (menus, sign-out) the error page keeps. */
export function renderErrorPage(req: FastifyRequest, err: AppError, signedIn?: PageContext): string {
  const lang = req.lang ?? 'es';
  const pc = signedIn ?? basicContext(lang, req.url);
  const title = errorText(lang, err);
  return renderDocument(
    <Layout pc={pc} title={translate(lang, 'errors:title')}>
      <h1>{title}</h1>
      {err.issues.length ? (
        <ul>
          {err.issues.map((i) => (
            <li>
              {i.path.length ? <code>{i.path.join('.')}</code> : null}{' '}
              {i.message ?? translate(lang, i.key, i.values)}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="muted">{translate(lang, 'errors:request_id', { id: req.id })}</p>
      <p>
        <a href="/">{translate(lang, 'ui:back_home')}</a>
      </p>
    </Layout>,
  );
}
