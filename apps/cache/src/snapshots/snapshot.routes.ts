// GET /internal/v1/snapshots/:tenant/:source — a page of a source's view (internal API,
// for the gateway). Query: limit, cursor, prefix, updatedSince, updatedField. The body is
// `SnapshotPage` (contracts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { snapshotQuerySchema, sourceIdSchema, tenantIdSchema } from '@freshet/contracts';
import type { SnapshotReader } from './snapshot-reader';

const paramsSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });

export function registerSnapshotRoutes(app: FastifyInstance, reader: SnapshotReader): void {
  app.get('/internal/v1/snapshots/:tenant/:source', async (request, reply) => {
    const params = paramsSchema.parse(request.params);
    const query = snapshotQuerySchema.parse(request.query);
    // Already JSON: sent as bytes, not serialized again.
    return reply.type('application/json; charset=utf-8').send(await reader.readEncoded({ ...params, ...query }));
  });
}
