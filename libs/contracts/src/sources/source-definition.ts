// A source: which connector reaches the upstream, and how fresh its data must be kept.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '../tokens';
import { httpConnectorSchema } from './http-connector';
import { esiListPresetSchema, pagedHttpListPresetSchema, restUpdatedSincePresetSchema } from './connector-presets';
import { sqlPollConnectorSchema } from './sql-poll-connector';

/**
 * Every connector a source can use. Presets expand to `http` when parsed, so after
 * parsing a connector is either `http` or `sql-poll`.
 */
export const connectorConfigSchema = z.discriminatedUnion('type', [
  httpConnectorSchema,
  esiListPresetSchema,
  restUpdatedSincePresetSchema,
  pagedHttpListPresetSchema,
  sqlPollConnectorSchema,
]);
export type ConnectorConfig = z.output<typeof connectorConfigSchema>;

export const sourceDefinitionSchema = z.object({
  tenant: tenantIdSchema,
  source: sourceIdSchema,
  displayName: z.string().min(1).max(200).optional(),
  connector: connectorConfigSchema,
  /** Data older than this is stale (default 1 h). */
  staleAfterMs: z.number().int().positive().default(3_600_000),
  /** The background scan syncs a source not synced for this long (default 15 min). */
  minAgeMs: z.number().int().positive().default(900_000),
  /**
   * While a gateway has a live stream on the source, the scan syncs it once it is this old
   * instead (unset: 60 s, or minAgeMs if that is shorter; see `effectiveWatchedMinAgeMs`
   * and the `watchedMinAgeRule` check in demand.ts). No default here on purpose: a
   * default would change every stored definition's JSON and reset its sync cursor.
   */
  watchedMinAgeMs: z.number().int().positive().optional(),
  /**
   * Optional memory policy for rarely read sources: drop this source's view from Redis when
   * nobody has read it and no event has changed it for this long; the next read is answered
   * from the database and rebuilds it. Unset: the view is kept.
   */
  cacheTtlMs: z.number().int().min(1_000).optional(),
  /** Hints for the scheduler: a preferred interval and a priority for background syncs. */
  schedule: z
    .object({ intervalMs: z.number().int().min(1_000).optional(), backgroundPriority: z.number().int().min(0).max(10).optional() })
    .strict()
    .default({}),
});
export type SourceDefinition = z.infer<typeof sourceDefinitionSchema>;
export type SourceDefinitionInput = z.input<typeof sourceDefinitionSchema>;

/** What ingest answers about a source over its internal API. */
export const sourceInfoSchema = sourceDefinitionSchema.extend({
  lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
  recordCount: z.number().int().nonnegative(),
});
export type SourceInfo = z.infer<typeof sourceInfoSchema>;
