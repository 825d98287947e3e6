// The public API of @freshet/client (agreed in the issue; additions are marked as such).
// Types only: the implementation lives in core/ (pure decisions), io/ (fetch) and stores/.
import type { FreshetEvent, MetricsUpdatedData, SnapshotMeta, TenantOverview, TenantSource } from '@freshet/contracts';

export type { FreshetEvent, SnapshotMeta };
/** One entry of `GET /v1/tenants/:t/sources`. */
export type SourceSummary = TenantSource;
/** `GET /v1/tenants/:t/overview`. */
export type GatewayOverview = TenantOverview;

export type ClientAuth =
  /** Same-origin session cookie (fetch credentials 'include'; POST/DELETE add `x-freshet-csrf: 1`). */
  | { kind: 'cookie' }
  /** A JWT or API key; a function is called before every request, so it can hand out a renewed token. */
  | { kind: 'bearer'; token: string | (() => string | Promise<string>) };

export interface ReconnectOptions {
  /** First delay (default 1000 ms); it doubles per attempt. */
  initialDelayMs?: number;
  /** Ceiling of the delay (default 30000 ms). */
  maxDelayMs?: number;
  /** Attempts before the connection goes 'offline' (default 20). */
  maxAttempts?: number;
  /** 0..1: a delay is drawn from [d·(1-jitter), d] (default 0.5). */
  jitter?: number;
}

export interface FreshetClientOptions {
  /** Gateway origin, e.g. 'http://localhost:4000' ('' = same origin in the browser). */
  baseUrl: string;
  tenant: string;
  auth: ClientAuth;
  fetch?: typeof fetch;
  reconnect?: ReconnectOptions;
  /** Passed as `?coalesce=` (ms). */
  coalesceMs?: number;
  /** Safety cap when paging a snapshot (default 50 000): over it the store is in error. */
  maxSnapshotRecords?: number;
  /** Default console. */
  logger?: Pick<Console, 'warn' | 'error'>;
  /** Addition: timeout of each REST request (default 30 000 ms). */
  requestTimeoutMs?: number;
  /** Addition: a stream that sends nothing (not even a heartbeat) for this long is dropped and reconnected (default 45 000 ms, 3 heartbeats). */
  idleTimeoutMs?: number;
  /** Addition: how long an unsubscribed store keeps its channel (default 2000 ms), so quick re-subscriptions do not reopen the stream. */
  releaseGraceMs?: number;
  /** How long a snapshot of stale data shows 'stale' before 'revalidating', when the cache is already revalidating it (default 800 ms). */
  staleNoticeMs?: number;
}

export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline' | 'auth-expired';

export interface ClientError {
  code: string;
  message: string;
  status?: number;
}

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Failed connection attempts since the last `ready`. */
  attempt: number;
  /** While 'reconnecting': when the next attempt starts (epoch ms). */
  nextRetryAt?: number;
  lastError?: ClientError;
  /** `<epoch>:<seq>`: the last stream position received. */
  position?: string;
}

/** useSyncExternalStore-compatible; getState returns an immutable object that changes identity only when something changed. */
export interface Store<T> {
  getState(): T;
  subscribe(listener: () => void): () => void;
}

export type Freshness = 'cached' | 'stale' | 'revalidating' | 'fresh' | 'error';

export interface SourceRecord {
  key: string;
  record: Record<string, unknown>;
}

export interface SourceState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** In key order (UTF-8 byte order, as the gateway pages them). */
  records: ReadonlyArray<SourceRecord>;
  freshness: Freshness;
  /** From the last snapshot. */
  meta?: SnapshotMeta;
  lastSyncedAt?: string | null;
  /** A snapshot failure, or the reason of a source.status error. */
  error?: ClientError;
  /** Keys changed by the last applied event batch (for a flash). */
  changed: { keys: ReadonlyArray<string>; at: number } | undefined;
  /** `<epoch>:<seq>` applied so far. */
  position?: string;
}

export interface RefreshResult {
  jobId: string;
  joined: boolean;
}

export interface SourceStore extends Store<SourceState> {
  readonly sourceId: string;
  /** POST …/refresh (single flight on the server); freshness → 'revalidating' at once. */
  refresh(): Promise<RefreshResult>;
  /** Reloads the snapshot (after an error or a reset). */
  reload(): Promise<void>;
}

export interface OverviewState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  overview?: GatewayOverview;
  error?: ClientError;
  /** When the last admin event was applied (epoch ms). */
  lastEventAt?: number;
  /** Addition: the latest `metrics.updated` of the tenant (cache reads over its window). */
  metrics?: MetricsUpdatedData;
}

export interface OverviewStore extends Store<OverviewState> {
  reload(): Promise<void>;
}

export interface HistoryQuery {
  from: string;
  to: string;
  types?: string[];
  after?: string;
  limit?: number;
}

export interface HistoryPage {
  events: { position: string | number; event: FreshetEvent }[];
  nextAfter?: string;
}

export interface ClientStats {
  malformedEvents: number;
  duplicateEvents: number;
  reconnects: number;
  resets: number;
}

export interface FreshetClient {
  readonly tenant: string;
  /** retry(): reconnect now, from 'offline' or 'auth-expired' (after renewing the credential) or while waiting to reconnect. */
  readonly connection: Store<ConnectionSnapshot> & { retry(): void };
  /** The same instance per id; subscribing to it adds the channel source:<id> to the one SSE stream. */
  source(sourceId: string): SourceStore;
  /** Admin overview (GET /overview + channel=admin). */
  overview(): OverviewStore;
  /** GET /v1/tenants/:t/sources, all pages. */
  listSources(): Promise<SourceSummary[]>;
  history(sourceId: string, query: HistoryQuery): Promise<HistoryPage>;
  retryJob(jobId: string): Promise<{ jobId: string }>;
  /** A copy of the counters at the time of reading. */
  readonly stats: ClientStats;
  close(): void;
}
