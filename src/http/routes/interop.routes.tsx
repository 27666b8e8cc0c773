/**
 * Import and export screens. An uploaded file is kept in DATA/imports/<organisation>/ (mode 0600),
 * encrypted as it arrives with the organisation's file key (as evidence is) and decrypted only as
 * it is read, with the profile being built beside it, until its import finishes or for at most 48 hours (the
 * file of rejected rows too): these files carry names in clear, so they must not outlive their use
 * on a computer that may be seized. The preview is a dry run
 * over the whole file; the import runs in this process in the background and its page shows
 * progress from the job row. Export routes stream the case-list selection for the same filters.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, readScope, type UserActor } from '../../access/index.js';
import { inTransaction } from '../../store/index.js';
import {
  exportExtensions,
  exportFormats,
  exportIncidents,
  exportMediaTypes,
  getJob,
  importFields,
  listJobs,
  openTable,
  parseProfile,
  runImport,
  type ExportFilters,
  type ExportFormat,
  type ImportField,
  type ImportProfile,
  sweepImportFiles,
  type TableSource,
} from '../../interop/index.js';
import { openSealedFile, parseInput, recordInput, sealedFileWriter } from '../../records/index.js';
import { AppError } from '../../shared/errors.js';
import { t } from '../../shared/i18n/index.js';
import { foldWords } from '../../vocab/index.js';
import { ExportPage, ImportHomePage, JobPage, MappingPage, PreviewPage } from '../../ui/interop/import.page.js';
import { renderDocument } from '../../ui/render.js';
import { checkCsrf } from '../plugins/csrf.js';
import type { Services } from '../services.js';
import { html, pageContext, requireUser } from './pages.routes.js';

const MAX_UPLOAD = 200 * 1024 * 1024;
const uploadRe = /^[A-Za-z0-9_-]{22}$/;

/** Column names people use, folded, and the field each most likely feeds (a first guess only). */
const guesses: [RegExp, ImportField][] = [
  [/^(nro|no|num|numero|n|id|codigo|code|case id|caso id|expediente|ref|referencia)\b|\bcaso$|^case$/, 'externalId'],
  [/titulo|title|nombre del caso/, 'title'],
  [/descripcion|narrativa|resumen|hechos|narrative|description|summary/, 'narrative'],
  [/fecha|date/, 'startDate'],
  [/pais|country/, 'country'],
  [/estado|provincia|departamento|region|state|province/, 'subdivision'],
  [/lugar|municipio|ciudad|localidad|place|city|location/, 'placeName'],
  [/tipo de (agresion|acto|violacion|ataque)|agresion|violacion|act type|violation|attack/, 'actType'],
  [/victima|defensor|afectad|victim|defender/, 'victims'],
  [/perpetrador|responsable|agresor|perpetrator/, 'perpetratorType'],
  [/sexo|genero|gender|sex/, 'gender'],
  [/sector/, 'sector'],
];

export function guessProfile(headers: string[], dataset: string): ImportProfile {
  const columns: Partial<Record<ImportField, string>> = {};
  for (const h of headers) {
    const f = foldWords(h);
    const hit = guesses.find(([re, field]) => re.test(f) && !columns[field]);
    if (hit) columns[hit[1]] = h;
  }
  return parseProfile({ version: 1, dataset, columns, defaults: columns.actType ? {} : { actType: 'other' } }, 'en');
}

function dirFor(services: Services, actor: UserActor): string {
  const d = join(services.ctx.dataDir, 'imports', actor.organisationId);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

interface Upload {
  dir: string;
  /** The encrypted upload on disk. */
  file: string;
  /** The spreadsheet itself, decrypted as it streams. */
  source: TableSource;
  profilePath: string;
}

/** Binds a stored upload's ciphertext to its organisation and name (AEAD associated data). */
const uploadAead = (orgId: string, id: string) => `${orgId}/import/${id}`;

function uploadSource(services: Services, orgId: string, id: string, file: string): TableSource {
  return { name: id, size: statSync(file).size, open: () => openSealedFile(services.ctx, orgId, file, uploadAead(orgId, id)) };
}

function upload(services: Services, actor: UserActor, id: string): Upload {
  if (!uploadRe.test(id)) throw new AppError('not_found');
  const dir = dirFor(services, actor);
  const file = join(dir, `${id}.src`);
  if (!existsSync(file)) throw new AppError('not_found');
  return { dir, file, source: uploadSource(services, actor.organisationId, id, file), profilePath: join(dir, `${id}.profile.json`) };
}

function loadProfile(u: Upload): ImportProfile {
  return parseProfile(JSON.parse(readFileSync(u.profilePath, 'utf8')) as unknown, 'en');
}

function issuesText(req: FastifyRequest, e: unknown): string[] {
  if (e instanceof AppError) {
    const head = t(req.lang, `errors:${e.code}`);
    return e.issues.length ? e.issues.map((i) => `${i.path.join('.')}: ${i.message ?? t(req.lang, i.key, i.values)}`) : [head];
  }
  throw e;
}

async function sample(file: TableSource, profile: ImportProfile): Promise<{ headers: string[]; rows: string[][] }> {
  const r = await openTable(file, { delimiter: profile.file.delimiter, encoding: profile.file.encoding, sheet: profile.file.sheet });
  const rows: string[][] = [];
  for await (const row of r.rows()) {
    if (row.cells.length) rows.push(row.cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : String(c))));
    if (rows.length >= 5) break;
  }
  return { headers: r.headers, rows };
}

export async function interopRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const { ctx, config } = services;
  await app.register(multipart, { limits: { files: 2, fields: 10, fileSize: MAX_UPLOAD } });
  const sweep = () => {
    const n = sweepImportFiles(ctx.dataDir);
    if (n) app.log.info({ removed: n }, 'old import files removed');
  };
  sweep();
  const sweeper = setInterval(sweep, 3600 * 1000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  const importer = (req: FastifyRequest, reply: FastifyReply): UserActor | null => {
    const actor = requireUser(req, reply);
    if (actor) authorize(actor, 'import.run');
    return actor;
  };

  app.get('/import', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ImportHomePage pc={pc} jobs={await inTransaction(ctx.db, readScope(actor), (trx) => listJobs(trx, actor.organisationId))} />));
  });

  app.post('/import', { config: { csrf: false } }, async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const id = randomBytes(16).toString('base64url');
    const dir = dirFor(services, actor);
    const file = join(dir, `${id}.src`);
    let profileText: string | null = null;
    let checked = false;
    let gotFile = false;
    let failure: unknown = null;
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === '_csrf' && typeof part.value === 'string') {
          (req as { body: unknown }).body = { _csrf: part.value };
          checkCsrf(req, services);
          checked = true;
        }
        continue;
      }
      if (!checked) throw new AppError('csrf');
      if (part.fieldname === 'file' && part.filename) {
        const sealed = await sealedFileWriter(ctx, actor.organisationId, file, uploadAead(actor.organisationId, id));
        try {
          await pipeline(part.file, sealed.stream);
          await sealed.done;
        } catch (e) {
          // Disk full or a broken upload: no half-written file stays behind, and the rest of the
          // upload is drained so the answer reaches the browser.
          rmSync(file, { force: true });
          part.file.resume();
          failure = e;
          continue;
        }
        if (part.file.truncated) {
          rmSync(file, { force: true });
          throw new AppError('too_large');
        }
        gotFile = true;
      } else if (part.fieldname === 'profile' && part.filename) {
        profileText = (await part.toBuffer()).toString('utf8');
      } else await part.toBuffer();
    }
    if (failure) throw failure;
    if (!checked) throw new AppError('csrf');
    const pc = await pageContext(req, reply, services);
    const fail = (errors: string[]) => {
      rmSync(file, { force: true });
      reply.status(422);
      return inTransaction(ctx.db, readScope(actor), (trx) => listJobs(trx, actor.organisationId)).then((jobs) => html(reply, renderDocument(<ImportHomePage pc={pc} jobs={jobs} errors={errors} />)));
    };
    if (!gotFile) return fail([t(req.lang, 'interop:ui.no_file')]);
    try {
      let profile: ImportProfile;
      if (profileText) {
        let raw: unknown;
        try {
          raw = JSON.parse(profileText);
        } catch (e) {
          return fail([t(req.lang, 'interop:cli.not_json', { file: 'profile', reason: (e as Error).message })]);
        }
        profile = parseProfile(raw, req.lang);
      } else {
        const r = await openTable(uploadSource(services, actor.organisationId, id, file));
        profile = guessProfile(r.headers, `import-${new Date().toISOString().slice(0, 10)}`);
      }
      writeFileSync(join(dir, `${id}.profile.json`), JSON.stringify(profile, null, 2), { mode: 0o600 });
    } catch (e) {
      return fail(issuesText(req, e));
    }
    return reply.redirect(`/import/u/${id}/map`, 303);
  });

  app.get<{ Params: { upload: string } }>('/import/u/:upload/map', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const u = upload(services, actor, req.params.upload);
    const profile = loadProfile(u);
    const pc = await pageContext(req, reply, services);
    let s: { headers: string[]; rows: string[][] };
    try {
      s = await sample(u.source, profile);
    } catch (e) {
      return html(reply.status(422), renderDocument(<ImportHomePage pc={pc} jobs={[]} errors={issuesText(req, e)} />));
    }
    return html(reply, renderDocument(<MappingPage pc={pc} upload={req.params.upload} headers={s.headers} samples={s.rows} profile={profile} />));
  });

  app.post<{ Params: { upload: string } }>('/import/u/:upload/map', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const u = upload(services, actor, req.params.upload);
    const old = loadProfile(u);
    const body = (req.body ?? {}) as Record<string, string>;
    const s = await sample(u.source, old);
    const columns: Partial<Record<ImportField, string>> = {};
    s.headers.forEach((h, i) => {
      const f = body[`col_${i}`];
      if (f && (importFields as readonly string[]).includes(f)) columns[f as ImportField] = h;
    });
    const raw = {
      ...old,
      dataset: body.dataset ?? old.dataset,
      unit: body.unit === 'act' ? 'act' : 'incident',
      columns,
      separator: body.separator || old.separator,
      dates: {
        ...old.dates,
        formats: (body.formats ?? '').split(',').map((x) => x.trim()).filter(Boolean),
        order: body.dateOrder === 'day-month' || body.dateOrder === 'month-day' ? body.dateOrder : undefined,
      },
      nullTokens: body.nullTokens === undefined ? old.nullTokens : body.nullTokens.split('|').map((x) => x.trim()).filter(Boolean),
      defaults: { ...old.defaults, country: body.defaultCountry ? body.defaultCountry.toUpperCase() : undefined },
    };
    if (!raw.dates.formats.length) raw.dates.formats = old.dates.formats;
    try {
      const profile = parseProfile(JSON.parse(JSON.stringify(raw)) as unknown, req.lang);
      writeFileSync(u.profilePath, JSON.stringify(profile, null, 2), { mode: 0o600 });
    } catch (e) {
      const pc = await pageContext(req, reply, services);
      reply.status(422);
      return html(reply, renderDocument(<MappingPage pc={pc} upload={req.params.upload} headers={s.headers} samples={s.rows} profile={{ ...old, columns }} errors={issuesText(req, e)} />));
    }
    return reply.redirect(`/import/u/${req.params.upload}/preview`, 303);
  });

  app.get<{ Params: { upload: string } }>('/import/u/:upload/profile.json', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const u = upload(services, actor, req.params.upload);
    return reply.type('application/json; charset=utf-8').header('content-disposition', 'attachment; filename="profile.json"').send(readFileSync(u.profilePath));
  });

  app.get<{ Params: { upload: string } }>('/import/u/:upload/preview', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const u = upload(services, actor, req.params.upload);
    const pc = await pageContext(req, reply, services);
    try {
      const report = await runImport(ctx, actor, { profile: loadProfile(u), file: u.source, lang: req.lang, dryRun: true });
      return html(reply, renderDocument(<PreviewPage pc={pc} upload={req.params.upload} report={report} />));
    } catch (e) {
      const s = await sample(u.source, loadProfile(u)).catch(() => ({ headers: [], rows: [] }));
      reply.status(422);
      return html(reply, renderDocument(<MappingPage pc={pc} upload={req.params.upload} headers={s.headers} samples={s.rows} profile={loadProfile(u)} errors={issuesText(req, e)} />));
    }
  });

  // Values chosen in the table of unmatched values join the profile's value map. Only codes the
  // vocabulary has pass (parseProfile + the preview check them); nothing is ever created.
  app.post<{ Params: { upload: string } }>('/import/u/:upload/values', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const u = upload(services, actor, req.params.upload);
    const profile = loadProfile(u);
    const body = (req.body ?? {}) as Record<string, string>;
    const values = { ...profile.values } as Record<string, Record<string, string>>;
    for (let i = 0; i < 200; i++) {
      const field = body[`field_${i}`];
      const value = body[`value_${i}`];
      const code = body[`code_${i}`]?.trim();
      if (!field || value === undefined || !code) continue;
      values[field] = { ...(values[field] ?? {}), [value]: code };
    }
    const next = parseProfile({ ...profile, values }, req.lang);
    writeFileSync(u.profilePath, JSON.stringify(next, null, 2), { mode: 0o600 });
    return reply.redirect(`/import/u/${req.params.upload}/preview`, 303);
  });

  app.post<{ Params: { upload: string } }>('/import/u/:upload/run', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    const id = req.params.upload;
    const u = upload(services, actor, id);
    const mode = (req.body as Record<string, string> | undefined)?.mode === 'valid-rows' ? 'valid-rows' : 'all-or-nothing';
    const profile = loadProfile(u);
    const lang = req.lang;
    // The rejected rows carry names: they are written encrypted, like the upload, and decrypted on download.
    const rejectedOut = await sealedFileWriter(ctx, actor.organisationId, join(u.dir, `${id}.rejected.csv`), uploadAead(actor.organisationId, `${id}.rejected`));
    const jobId = await new Promise<string>((resolve, reject) => {
      let started = false;
      runImport(ctx, actor, {
        profile,
        file: u.source,
        mode,
        lang,
        rejectedOut,
        onJob: (j) => {
          started = true;
          resolve(j);
        },
      })
        .then((r) => {
          // The upload is no longer needed once its import finished; the rejected rows stay for download.
          if (r.state === 'complete' || r.state === 'failed') rmSync(u.file, { force: true });
          if (r.jobId) writeFileSync(join(u.dir, `${r.jobId}.job`), id, { mode: 0o600 });
        })
        .catch((e: unknown) => {
          if (!started) reject(e instanceof Error ? e : new Error(String(e)));
          else app.log.error({ err: e instanceof AppError ? e.code : 'error' }, 'import failed');
        });
    });
    writeFileSync(join(u.dir, `${jobId}.job`), id, { mode: 0o600 });
    return reply.redirect(`/import/jobs/${jobId}`, 303);
  });

  app.get<{ Params: { job: string } }>('/import/jobs/:job', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    if (!/^[0-9a-f-]{36}$/.test(req.params.job)) throw new AppError('not_found');
    const job = await inTransaction(ctx.db, readScope(actor), (trx) => getJob(trx, actor.organisationId, req.params.job));
    if (!job) throw new AppError('not_found');
    const pc = await pageContext(req, reply, services);
    const dir = dirFor(services, actor);
    const link = join(dir, `${job.id}.job`);
    const hasRejected = existsSync(link) && existsSync(join(dir, `${readFileSync(link, 'utf8')}.rejected.csv`)) && Number(job.rows_rejected) > 0;
    return html(reply, renderDocument(<JobPage pc={pc} job={job} hasRejected={hasRejected} />));
  });

  app.get<{ Params: { job: string } }>('/import/jobs/:job/rejected.csv', async (req, reply) => {
    const actor = importer(req, reply);
    if (!actor) return reply;
    if (!/^[0-9a-f-]{36}$/.test(req.params.job)) throw new AppError('not_found');
    const job = await inTransaction(ctx.db, readScope(actor), (trx) => getJob(trx, actor.organisationId, req.params.job));
    const dir = dirFor(services, actor);
    const link = join(dir, `${req.params.job}.job`);
    if (!job || !existsSync(link)) throw new AppError('not_found');
    const uploadId = readFileSync(link, 'utf8');
    const f = join(dir, `${uploadId}.rejected.csv`);
    if (!uploadRe.test(uploadId) || !existsSync(f)) throw new AppError('not_found');
    const plain = openSealedFile(ctx, actor.organisationId, f, uploadAead(actor.organisationId, `${uploadId}.rejected`));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="rejected.csv"').send(plain);
  });

  const filtersOf = (req: FastifyRequest): { filters: ExportFilters; query: string } => {
    const { lang: _lang, format: _format, limit: _limit, cursor: _cursor, ...rest } = req.query as Record<string, string>;
    const { limit: _l, cursor: _c, ...filters } = parseInput(recordInput.listQuery, rest, req.lang);
    return { filters, query: new URLSearchParams(Object.entries(rest).filter(([, v]) => typeof v === 'string' && v !== '')).toString() };
  };

  app.get('/export', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'analysis.export');
    const { query } = filtersOf(req);
    const pc = await pageContext(req, reply, services);
    return html(reply, renderDocument(<ExportPage pc={pc} query={query} count={null} />));
  });

  app.get('/incidents/export', async (req, reply) => {
    const actor = requireUser(req, reply);
    if (!actor) return reply;
    authorize(actor, 'analysis.export');
    const format = (req.query as Record<string, string>).format ?? 'csv';
    if (!(exportFormats as readonly string[]).includes(format)) {
      throw new AppError('bad_input', { issues: [{ path: ['format'], key: 'interop:cli.bad_format', values: { format, list: exportFormats.join(', ') } }] });
    }
    const f = format as ExportFormat;
    const { filters } = filtersOf(req);
    const body = new PassThrough();
    const done = exportIncidents(ctx, actor, { format: f, filters, publicUrl: config.publicUrl, lang: req.lang }, body, req.readCtx());
    done.catch((e: unknown) => body.destroy(e instanceof Error ? e : new Error(String(e))));
    const name = `atalaya-${new Date().toISOString().slice(0, 10)}.${exportExtensions[f]}`;
    return reply.type(exportMediaTypes[f]).header('content-disposition', `attachment; filename="${name}"`).send(body);
  });
}
