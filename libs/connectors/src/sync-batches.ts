// One way for ingest to run any connector: looks the connector up by its config's type
// and runs it with the caller's context.
import type { ConnectorConfig } from '@freshet/contracts';
import { emptySyncStats, type HttpSyncOptions } from './http/http-sync';
import type { SyncCursor } from './http/sync-cursor';
import { openGate } from './http/upstream-gate';
import { BUILT_IN_CONNECTORS } from './sdk/built-in-connectors';
import type { ConnectorDefinition, SyncBatch } from './sdk/connector-sdk';

export type { SyncBatch } from './sdk/connector-sdk';

function definitionOf(connector: ConnectorConfig): ConnectorDefinition<ConnectorConfig> {
  return BUILT_IN_CONNECTORS[connector.type] as ConnectorDefinition<ConnectorConfig>;
}

/** The incremental strategy a connector config runs. */
export function strategyOf(connector: ConnectorConfig): string {
  return definitionOf(connector).strategy(connector);
}

export function syncBatches(connector: ConnectorConfig, cursor: SyncCursor, options: HttpSyncOptions = {}): AsyncGenerator<SyncBatch> {
  return definitionOf(connector).sync(connector, {
    cursor,
    stats: options.stats ?? emptySyncStats(),
    gate: options.gate ?? openGate,
    secrets: options.secrets ?? {},
    forceFull: options.forceFull ?? false,
    now: options.now ?? Date.now,
    fetch: options.fetch ?? globalThis.fetch,
    signal: options.signal,
  });
}
