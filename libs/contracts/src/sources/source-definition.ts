// How ingest reaches one upstream source. This foundation version knows one connector:
// a paged HTTP list (page number + total-pages header). The connectors issue widens it.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '../tokens';

export const pagedHttpListConnectorSchema = z.object({
  type: z.literal('http-paged-list'),
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Path of the list, e.g. /v1/datasets/demo/items. */
  path: z.string().startsWith('/'),
  /** Field holding each record's primary key. */
  primaryKey: z.string().min(1).default('id'),
  pageParam: z.string().min(1).default('page'),
  /** Response header holding the number of pages. */
  totalPagesHeader: z.string().min(1).default('x-pages'),
  /** Guard against an upstream that reports absurd page counts. */
  maxPages: z.number().int().positive().max(10_000).default(1_000),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
});
export type PagedHttpListConnector = z.infer<typeof pagedHttpListConnectorSchema>;

export const connectorConfigSchema = z.discriminatedUnion('type', [pagedHttpListConnectorSchema]);
export type ConnectorConfig = z.infer<typeof connectorConfigSchema>;

export const sourceDefinitionSchema = z.object({
  tenant: tenantIdSchema,
  source: sourceIdSchema,
  displayName: z.string().min(1).max(200).optional(),
  connector: connectorConfigSchema,
  /** Data older than this is stale (default 1 h). */
  staleAfterMs: z.number().int().positive().default(3_600_000),
});
export type SourceDefinition = z.infer<typeof sourceDefinitionSchema>;
export type SourceDefinitionInput = z.input<typeof sourceDefinitionSchema>;

/** What ingest answers about a source over its internal API. */
export const sourceInfoSchema = sourceDefinitionSchema.extend({
  lastSyncedAt: z.iso.datetime({ offset: true }).nullable(),
  recordCount: z.number().int().nonnegative(),
});
export type SourceInfo = z.infer<typeof sourceInfoSchema>;
