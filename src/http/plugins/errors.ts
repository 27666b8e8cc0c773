/**
 * The one error renderer. API requests get RFC 9457 problem details naming each bad field; pages get
 * an HTML error page. Both are in the request's language and carry the request id; neither ever
 * shows a stack trace, SQL or a submitted value.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, isAppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { renderErrorPage } from '../../ui/pages/error-page.js';
import type { PageContext } from '../../ui/page-context.js';
import { errorText } from '../../shared/error-text.js';
import { isConnectionError } from '../../store/index.js';

export function wantsJson(req: FastifyRequest): boolean {
  if (req.url.startsWith('/api/')) return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Maps Fastify's own errors (body too large, bad JSON, wrong content type …) to the closed vocabulary. */
function toAppError(err: FastifyError | Error): AppError {
  if (isAppError(err)) return err;
  const e = err as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('bad_input');
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return new AppError('rate_limited');
    default:
      break;
  }
  if ((e as { code?: string }).code === '57014') return new AppError('timeout');
  // A full disk (or quota) while writing an upload: the writers have removed their partial files.
  if ((e as { code?: string }).code === 'ENOSPC' || (e as { code?: string }).code === 'EDQUOT') return new AppError('insufficient_storage');
  // A server going away or switching roles (failover): "try again", not an internal error.
  if (isConnectionError(e)) return new AppError('unavailable');
  if (e.statusCode === 429) return new AppError('rate_limited');
  if (e.statusCode === 413) return new AppError('too_large');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new AppError('bad_input');
  return new AppError('internal');
}

/** An AppError whose message is an i18n key ('ns:key') is titled with it; otherwise by its code. */
export function errorTitle(lang: 'es' | 'en', err: AppError): string {
  return errorText(lang, err);
}

export function problemBody(req: FastifyRequest, err: AppError) {
  const lang = req.lang ?? 'es';
  const issueMessage = (i: AppError['issues'][number]) => i.message ?? t(lang, i.key, i.values);
  const title = errorTitle(lang, err);
  return {
    type: `urn:atalaya:problem:${err.code}`,
    title,
    status: err.status,
    code: err.code,
    instance: req.url.split('?')[0],
    requestId: req.id,
    ...(err.issues.length
      ? {
          errors: err.issues.map((i) => ({
            path: i.path,
            pointer: '/' + i.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/'),
            message: issueMessage(i),
          })),
        }
      : {}),
    ...(err.code === 'conflict' ? { current: err.details.current, yours: err.details.yours, currentVersion: err.details.currentVersion } : {}),
    ...(err.code === 'rate_limited' && err.details.retryAfterSeconds ? { retryAfterSeconds: err.details.retryAfterSeconds } : {}),
  };
}

/** How an error page learns who is signed in, so it keeps their header (set by the app once services exist). */
type HeaderContext = (req: FastifyRequest, reply: FastifyReply) => Promise<PageContext>;

export async function sendError(req: FastifyRequest, reply: FastifyReply, raw: unknown, header?: HeaderContext): Promise<FastifyReply> {
  let err = toAppError(raw as Error);
  // Signed in (second factor passed) but outside what this route serves — e.g. the installation
  // administrator on an organisation's records: that is "forbidden", not "please sign in".
  if (err.code === 'unauthenticated' && req.session?.mfaPassed) err = new AppError('forbidden');
  if (err.code === 'internal') {
    const e = raw as Error;
    // Name, code and stack only: messages from drivers can quote submitted values.
    req.log.error({ err: { type: e?.name, code: (e as { code?: string })?.code, stack: e?.stack?.split('\n').slice(1, 8).join('\n') } }, 'request failed');
  }
  if (err.code === 'rate_limited' && err.details.retryAfterSeconds) reply.header('retry-after', String(err.details.retryAfterSeconds));
  reply.status(err.status);
  if (wantsJson(req)) {
    return reply.type('application/problem+json; charset=utf-8').send(problemBody(req, err));
  }
  let pc: PageContext | undefined;
  if (header && req.session?.mfaPassed && req.actor) {
    try {
      pc = await header(req, reply);
    } catch {
      pc = undefined; // a broken database must not hide the error page itself
    }
  }
  return reply.type('text/html; charset=utf-8').send(renderErrorPage(req, err, pc));
}

export const errors = fp(async (app: FastifyInstance, opts: { header?: HeaderContext }) => {
  app.setErrorHandler(async (error, req, reply) => {
    // An upload refused before its body was read to the end: the connection cannot be reused (the
    // client would send its next request into the rest of this body), so it is closed after the answer.
    if (String(req.headers['content-type'] ?? '').startsWith('multipart/')) reply.header('connection', 'close');
    return sendError(req, reply, error, opts.header);
  });
  app.setNotFoundHandler(async (req, reply) => sendError(req, reply, new AppError('not_found'), opts.header));
});
