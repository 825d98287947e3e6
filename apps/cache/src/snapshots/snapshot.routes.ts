// GET /internal/v1/snapshots/:tenant/:source — a page of a source's view (internal API,
// for the gateway). Query: limit, cursor, prefix, updatedSince, updatedField.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { snapshotQuerySchema, sourceIdSchema, tenantIdSchema, type SnapshotPage } from '@freshet/contracts';
import type { SnapshotReader } from './snapshot-reader';

const paramsSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });

export function registerSnapshotRoutes(app: FastifyInstance, reader: SnapshotReader): void {
  app.get('/internal/v1/snapshots/:tenant/:source', async (request): Promise<SnapshotPage> => {
    const params = paramsSchema.parse(request.params);
    const query = snapshotQuerySchema.parse(request.query);
    return reader.read({ ...params, ...query });
  });
}
