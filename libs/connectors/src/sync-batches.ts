// One way for ingest to run any connector: the batches of a sync, whatever the source
// kind. HTTP sources page under their incremental strategy; SQL-poll sources stream the
// query's complete result, which is always a full listing.
import type { ConnectorConfig } from '@freshet/contracts';
import { emptySyncStats, httpSync, type HttpSyncBatch, type HttpSyncOptions } from './http/http-sync';
import type { SyncCursor } from './http/sync-cursor';
import { createSqlPollConnector } from './sql/sql-poll-connector';

export type SyncBatch = HttpSyncBatch;

/** The incremental strategy a connector runs (SQL-poll sources always list everything). */
export function strategyOf(connector: ConnectorConfig): string {
  return connector.type === 'http' ? connector.incremental.strategy : 'full';
}

export async function* syncBatches(connector: ConnectorConfig, cursor: SyncCursor, options: HttpSyncOptions = {}): AsyncGenerator<SyncBatch> {
  if (connector.type === 'http') {
    yield* httpSync(connector, cursor, options);
    return;
  }
  const stats = options.stats ?? emptySyncStats();
  const source = createSqlPollConnector(connector, { env: options.secrets?.env, resolveSecret: options.secrets?.resolveRef });
  try {
    stats.requests += 1;
    let page = 0;
    for await (const records of source.fetchRows(options.signal)) {
      page += 1;
      stats.pages += 1;
      yield { kind: 'records', page, records, skipped: 0 };
    }
    // Only reached when the whole result streamed without error: a complete listing.
    yield { kind: 'end', listingComplete: true, notModified: false, cursor: {}, notes: [] };
  } finally {
    await source.close();
  }
}
