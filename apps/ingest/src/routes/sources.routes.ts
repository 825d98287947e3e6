// Ingest's internal HTTP API for operators and the dev launcher: register and inspect
// sources. Not exposed publicly; the gateway is the only public surface.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { historyQuerySchema, sourceDefinitionSchema, sourceIdSchema, tenantIdSchema, watchedMinAgeRule } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';
import type { IngestDatabase } from '../db/ingest-tables';
import { loadSourceHistory } from '../history/source-history';
import { findSource, findSourceInfo, upsertSource } from '../sources/source-repository';

const paramsSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });
const bodySchema = sourceDefinitionSchema.omit({ tenant: true, source: true }).superRefine(watchedMinAgeRule);
const historyQueryParamsSchema = z
  .object({
    from: z.string().optional(),
    to: z.string().optional(),
    types: z.string().optional(),
    after: z.string().optional(),
    limit: z.coerce.number().optional(),
  })
  .strict();

export async function sourcesRoutes(app: FastifyInstance, options: { db: Kysely<IngestDatabase> }): Promise<void> {
  app.put('/internal/v1/sources/:tenant/:source', async (request) => {
    const { tenant, source } = paramsSchema.parse(request.params);
    const body = bodySchema.parse(request.body ?? {});
    await upsertSource(options.db, { ...body, tenant, source });
    return findSourceInfo(options.db, tenant, source);
  });

  app.get('/internal/v1/sources/:tenant/:source/history', async (request) => {
    const { tenant, source } = paramsSchema.parse(request.params);
    const raw = historyQueryParamsSchema.parse(request.query);
    const query = historyQuerySchema.parse({ ...raw, tenant, source, types: raw.types?.split(',').filter(Boolean) });
    if (!(await findSource(options.db, tenant, source))) throw new HttpProblem(404, 'SOURCE_NOT_FOUND', `source ${tenant}/${source} does not exist`);
    return loadSourceHistory(options.db, query);
  });

  app.get('/internal/v1/sources/:tenant/:source', async (request) => {
    const { tenant, source } = paramsSchema.parse(request.params);
    const info = await findSourceInfo(options.db, tenant, source);
    if (!info) throw new HttpProblem(404, 'SOURCE_NOT_FOUND', `source ${tenant}/${source} does not exist`);
    return info;
  });
}
