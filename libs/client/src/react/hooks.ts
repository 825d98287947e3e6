// Hooks over the client's stores (useSyncExternalStore: tear-free, and a component renders
// again only when its store's state object changes).
import { useMemo, useSyncExternalStore } from 'react';
import type { ConnectionSnapshot, OverviewState, SourceState, SourceStore } from '../types';
import { useFreshetClient } from './context';

export type UseSourceResult = SourceState & { data: SourceState['records']; refresh(): Promise<unknown>; reload(): Promise<void> };

/** A store for a tenant this client is not for: an error state, never a request. */
function tenantMismatchStore(clientTenant: string, tenant: string, source: string): SourceStore {
  const state: SourceState = {
    status: 'error',
    records: [],
    freshness: 'error',
    changed: undefined,
    error: { code: 'TENANT_MISMATCH', message: `useSource('${tenant}', '${source}'): the FreshetProvider's client is for tenant '${clientTenant}'` },
  };
  return {
    sourceId: source,
    getState: () => state,
    subscribe: () => () => undefined,
    refresh: () => Promise.reject(new Error(state.error?.message)),
    reload: () => Promise.resolve(),
  };
}

export function useSource(tenant: string, source: string): UseSourceResult {
  const client = useFreshetClient();
  const store = useMemo(() => (tenant === client.tenant ? client.source(source) : tenantMismatchStore(client.tenant, tenant, source)), [client, tenant, source]);
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  return useMemo(() => ({ ...state, data: state.records, refresh: store.refresh, reload: store.reload }), [state, store]);
}

export function useConnection(): ConnectionSnapshot & { retry(): void } {
  const { connection } = useFreshetClient();
  const state = useSyncExternalStore(connection.subscribe, connection.getState, connection.getState);
  return useMemo(() => ({ ...state, retry: connection.retry }), [state, connection]);
}

export function useOverview(): OverviewState & { reload(): Promise<void> } {
  const client = useFreshetClient();
  const store = useMemo(() => client.overview(), [client]);
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  return useMemo(() => ({ ...state, reload: store.reload }), [state, store]);
}
