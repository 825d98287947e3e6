// The connector SDK: what a connector is to ingest. A connector turns its validated
// config and the source's cursor into a stream of batches — `records` batches that the
// caller commits one at a time, then exactly one `end` batch that says whether the
// listing was complete (only then are missing keys deletions) and which cursor to keep.
// Ingest owns transactions, diffing, events and retries; a connector only reads.
import type { HttpSyncBatch, HttpSyncStats } from '../http/http-sync';
import type { SecretSources } from '../http/secrets';
import type { SyncCursor } from '../http/sync-cursor';
import type { UpstreamGate } from '../http/upstream-gate';

export type SyncBatch = HttpSyncBatch;

export interface SyncContext {
  cursor: SyncCursor;
  /** Counters the connector updates as it goes (requests, pages, 304s, skipped, saved). */
  stats: HttpSyncStats;
  /** Shared rate limits, pauses and circuit breaker for outgoing requests. */
  gate: UpstreamGate;
  secrets: SecretSources;
  /** A manual full refresh: ignore the cursor. */
  forceFull: boolean;
  now: () => number;
  fetch: typeof globalThis.fetch;
  signal?: AbortSignal;
}

export interface ConnectorDefinition<Config> {
  /** The incremental strategy this config runs, for job events and metrics. */
  strategy(config: Config): string;
  sync(config: Config, context: SyncContext): AsyncGenerator<SyncBatch>;
}

/** Identity helper that checks a connector against the SDK's contract. */
export function defineConnector<Config>(definition: ConnectorDefinition<Config>): ConnectorDefinition<Config> {
  return definition;
}
