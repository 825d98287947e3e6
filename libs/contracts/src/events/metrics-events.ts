// metrics.* — a tenant's cache read counts over a window, for the admin dashboard.
// Published with source `_tenant` (TENANT_SCOPE_SOURCE), at most one per second per tenant.
import { z } from 'zod';
import { envelopeFields } from './envelope';

const count = z.number().int().nonnegative();
const instant = z.iso.datetime({ offset: true });

export const metricsUpdatedDataSchema = z.object({
  /** The window the counts cover: [from, to]. */
  window: z.object({ from: instant, to: instant }),
  /** Reads that found a synced view. */
  hits: count,
  /** Reads of an empty or never-synced view. */
  misses: count,
  /** Reads by where their answer came from. */
  servedFrom: z.object({ cache: count, database: count, upstream: count }),
});
export type MetricsUpdatedData = z.infer<typeof metricsUpdatedDataSchema>;

export const metricsUpdatedSchema = z.object({
  ...envelopeFields,
  type: z.literal('metrics.updated'),
  data: metricsUpdatedDataSchema,
});
export type MetricsUpdated = z.infer<typeof metricsUpdatedSchema>;
