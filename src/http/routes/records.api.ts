/**
 * The JSON API of the documentation model: one set of routes per record kind, each going through
 * the same commands and queries as the pages. Updates and archives name the version they edit.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  archiveRecord,
  createRecord,
  findActorsByName,
  getCaseFile,
  getHistory,
  getRecord,
  listChildren,
  listIncidents,
  parseInput,
  recordInput,
  recordSchemas,
  updateRecordCommand,
  type EditableTable,
} from '../../records/index.js';
import type { Services } from '../services.js';

const paths: Record<EditableTable, string> = {
  incident: 'incidents',
  actor: 'actors',
  act: 'acts',
  involvement: 'involvements',
  source: 'sources',
  intervention: 'interventions',
  incident_link: 'incident-links',
};

const idParams = z.object({ id: z.string() });
const record = z.looseObject({ id: z.uuid(), version: z.number().int() });
const problem = z.looseObject({ type: z.string(), title: z.string(), status: z.number().int(), errors: z.array(z.looseObject({ pointer: z.string(), message: z.string() })).optional() });

export async function recordsApi(app: FastifyInstance, opts: { services: Services }) {
  const { ctx } = opts.services;

  for (const [table, path] of Object.entries(paths) as [EditableTable, string][]) {
    const tags = [path];
    app.post(`/api/${path}`, { schema: { tags, body: recordSchemas[table].create, response: { 201: record, 422: problem } } }, async (req, reply) => {
      const rec = await createRecord(ctx, req.actor, table, req.body, req.lang);
      return reply.status(201).header('location', `/api/${path}/${rec.id}`).send(rec);
    });
    app.get(`/api/${path}/:id`, { schema: { tags, params: idParams } }, async (req) => {
      const { id } = req.params as { id: string };
      return getRecord(ctx, req.actor, table, id);
    });
    app.patch(`/api/${path}/:id`, { schema: { tags, params: idParams, body: recordSchemas[table].update } }, async (req) => {
      const { id } = req.params as { id: string };
      return updateRecordCommand(ctx, req.actor, table, id, req.body, req.lang);
    });
    app.post(`/api/${path}/:id/archive`, { schema: { tags, params: idParams, body: recordInput.archiveInput } }, async (req) => {
      const { id } = req.params as { id: string };
      return archiveRecord(ctx, req.actor, table, id, req.body, false, req.lang);
    });
    app.post(`/api/${path}/:id/restore`, { schema: { tags, params: idParams, body: recordInput.archiveInput } }, async (req) => {
      const { id } = req.params as { id: string };
      return archiveRecord(ctx, req.actor, table, id, req.body, true, req.lang);
    });
    app.get(`/api/${path}/:id/history`, { schema: { tags, params: idParams } }, async (req) => {
      const { id } = req.params as { id: string };
      return { items: await getHistory(ctx, req.actor, table, id) };
    });
  }

  app.get('/api/incidents', { schema: { tags: ['incidents'], querystring: recordInput.listQuery } }, async (req) => {
    const { lang: _lang, ...rest } = req.query as Record<string, unknown>;
    return listIncidents(req.readCtx(), req.actor, parseInput(recordInput.listQuery, rest, req.lang));
  });

  app.get('/api/incidents/:id/case', { schema: { tags: ['incidents'], params: idParams } }, async (req) => {
    const { id } = req.params as { id: string };
    return getCaseFile(ctx, req.actor, id);
  });

  for (const [table, path] of [
    ['act', 'acts'],
    ['source', 'sources'],
    ['intervention', 'interventions'],
    ['evidence', 'evidence'],
  ] as const) {
    app.get(`/api/incidents/:id/${path}`, { schema: { tags: ['incidents'], params: idParams } }, async (req) => {
      const { id } = req.params as { id: string };
      return { items: await listChildren(ctx, req.actor, table, id) };
    });
  }

  const nameQuery = z.object({ name: z.string().trim().min(1).max(300) }).strict();
  app.get('/api/actors', { schema: { tags: ['actors'], querystring: nameQuery } }, async (req) => {
    const { lang: _lang, ...rest } = req.query as Record<string, unknown>;
    const { name } = parseInput(nameQuery, rest, req.lang);
    return { items: await findActorsByName(ctx, req.actor, name) };
  });
}
