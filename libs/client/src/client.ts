// createFreshetClient: one client per tenant and credential. It owns the REST helper, the
// one SSE stream (StreamHub) and a store per source (same instance per id) plus the
// overview store; everything else is plain REST.
import { historyResponseSchema, retryResponseSchema, sourcesResponseSchema } from '@freshet/contracts';
import { resolveBackoff } from './core/backoff';
import { createHttpClient } from './io/http';
import { SOURCES_PAGE_LIMIT, sourcePath, tenantPath as tenantPathOf } from './io/urls';
import { OverviewStoreImpl } from './stores/overview-store';
import { SourceStoreImpl, type StoreContext } from './stores/source-store';
import { StreamHub } from './stores/stream-hub';
import type { ClientStats, FreshetClient, FreshetClientOptions, HistoryPage, HistoryQuery, OverviewStore, SourceStore, SourceSummary } from './types';

export const CLIENT_DEFAULTS = {
  maxSnapshotRecords: 50_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 45_000,
  releaseGraceMs: 2_000,
  staleNoticeMs: 800,
} as const;

export function createFreshetClient(options: FreshetClientOptions): FreshetClient {
  const logger = options.logger ?? console;
  // Called through a wrapper: a browser's fetch must not be invoked as a method of another object.
  const fetchFn: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const http = createHttpClient({
    baseUrl: options.baseUrl,
    auth: options.auth,
    fetch: fetchFn,
    timeoutMs: options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
  });
  const stats: ClientStats = { malformedEvents: 0, duplicateEvents: 0, reconnects: 0, resets: 0 };
  const hub = new StreamHub({
    http,
    tenant: options.tenant,
    backoff: resolveBackoff(options.reconnect),
    idleTimeoutMs: options.idleTimeoutMs ?? CLIENT_DEFAULTS.idleTimeoutMs,
    logger,
    stats,
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
  });
  const context: StoreContext = { http, tenant: options.tenant, hub, logger, releaseGraceMs: options.releaseGraceMs ?? CLIENT_DEFAULTS.releaseGraceMs, staleNoticeMs: options.staleNoticeMs ?? CLIENT_DEFAULTS.staleNoticeMs };
  const sources = new Map<string, SourceStoreImpl>();
  let overview: OverviewStoreImpl | undefined;
  const tenantPath = tenantPathOf(options.tenant);

  return {
    tenant: options.tenant,
    connection: hub.connection,

    source(sourceId: string): SourceStore {
      let store = sources.get(sourceId);
      if (store === undefined) {
        store = new SourceStoreImpl(sourceId, { ...context, maxRecords: options.maxSnapshotRecords ?? CLIENT_DEFAULTS.maxSnapshotRecords });
        sources.set(sourceId, store);
        hub.add(store);
      }
      return store;
    },

    overview(): OverviewStore {
      if (overview === undefined) {
        overview = new OverviewStoreImpl(context);
        hub.add(overview);
      }
      return overview;
    },

    async listSources(): Promise<SourceSummary[]> {
      const all: SourceSummary[] = [];
      let after: string | undefined;
      do {
        const page = await http.get(`${tenantPath}/sources`, { query: { limit: SOURCES_PAGE_LIMIT, after }, schema: sourcesResponseSchema });
        all.push(...page.sources);
        after = page.next;
      } while (after !== undefined);
      return all;
    },

    async history(sourceId: string, query: HistoryQuery): Promise<HistoryPage> {
      const { from, to, types, after, limit } = query;
      return http.get(sourcePath(options.tenant, sourceId, '/history'), {
        query: { from, to, types: types === undefined || types.length === 0 ? undefined : types.join(','), after, limit },
        schema: historyResponseSchema,
      });
    },

    async retryJob(jobId: string) {
      return http.post(`${tenantPath}/jobs/${encodeURIComponent(jobId)}/retry`, { schema: retryResponseSchema });
    },

    get stats(): ClientStats {
      return { ...stats };
    },

    close(): void {
      hub.close();
      for (const store of sources.values()) store.dispose();
      overview?.dispose();
    },
  };
}
