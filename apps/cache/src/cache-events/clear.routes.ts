// DELETE /internal/v1/snapshots/:tenant/:source and /internal/v1/snapshots/:tenant —
// admin clear of a source's view or a tenant's views (internal API). Query: reason.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '@freshet/contracts';
import type { ClearResult, ViewClearer } from './clear-views';

const querySchema = z.object({ reason: z.string().min(1).max(2000).default('admin clear') });

export function registerClearRoutes(app: FastifyInstance, clearer: ViewClearer): void {
  app.delete('/internal/v1/snapshots/:tenant/:source', async (request): Promise<ClearResult> => {
    const { tenant, source } = z.object({ tenant: tenantIdSchema, source: sourceIdSchema }).parse(request.params);
    return clearer.clearSource(tenant, source, querySchema.parse(request.query).reason);
  });
  app.delete('/internal/v1/snapshots/:tenant', async (request): Promise<ClearResult> => {
    const { tenant } = z.object({ tenant: tenantIdSchema }).parse(request.params);
    return clearer.clearTenant(tenant, querySchema.parse(request.query).reason);
  });
}
