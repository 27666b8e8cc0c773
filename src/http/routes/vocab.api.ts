import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { getVocabulary, isVocabularyName, terms, vocabularies } from '../../vocab/index.js';
import { countries, subdivisions } from '../../vocab/places.js';

export async function vocabApi(app: FastifyInstance) {
  app.get('/api/vocab', { schema: { tags: ['vocabularies'] } }, async () => ({ items: vocabularies() }));
  app.get('/api/vocab/:name', { schema: { tags: ['vocabularies'], params: z.object({ name: z.string() }) } }, async (req) => {
    const { name } = req.params as { name: string };
    if (!isVocabularyName(name)) throw new AppError('not_found');
    const v = getVocabulary(name);
    return { name, version: v.version, labels: v.labels, terms: terms(name, req.lang, { groups: true, deprecated: true }) };
  });
  app.get('/api/places/countries', { schema: { tags: ['places'] } }, async (req) => ({ items: countries(req.lang) }));
  app.get('/api/places/countries/:code/subdivisions', { schema: { tags: ['places'], params: z.object({ code: z.string() }) } }, async (req) => {
    const { code } = req.params as { code: string };
    return { items: subdivisions(code.toUpperCase(), req.lang) };
  });
}
