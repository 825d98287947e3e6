export { ConnectorError, InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from './connector-errors';
export { canonicalJson, contentHash } from './content-hash';
export { diffPage, diffRecords, type FetchedRecord, type RecordDiff } from './record-diff';
export { httpSync, emptySyncStats, type HttpSyncBatch, type HttpSyncOptions, type HttpSyncStats } from './http/http-sync';
export { syncCursorSchema, type SyncCursor } from './http/sync-cursor';
export { openGate, type GateUpstream, type UpstreamGate } from './http/upstream-gate';
export { MissingSecretError, resolveSecret, type SecretRefResolver, type SecretSources } from './http/secrets';
export { upstreamIdOf, parseRetryAfter } from './http/request-page';
export * from './limits/index';
