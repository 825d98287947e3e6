// @freshet/client — the framework-free client of the Freshet gateway (browsers and Node 20).
// React bindings: @freshet/client/react.
export { createFreshetClient, CLIENT_DEFAULTS } from './client';
export { FreshetClientError } from './io/client-error';
export { openSession, closeSession, type Session } from './io/session';
export { comparePositions, formatStreamPosition, parseStreamPosition, type StreamPosition } from './core/position';
export type {
  ClientAuth,
  ClientError,
  ClientStats,
  ConnectionSnapshot,
  ConnectionState,
  FreshetClient,
  FreshetClientOptions,
  FreshetEvent,
  Freshness,
  GatewayOverview,
  HistoryPage,
  HistoryQuery,
  OverviewState,
  OverviewStore,
  ReconnectOptions,
  RefreshResult,
  SnapshotMeta,
  SourceRecord,
  SourceState,
  SourceStore,
  SourceSummary,
  Store,
} from './types';
