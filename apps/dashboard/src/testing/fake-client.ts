// A stand-in FreshetClient for the dashboard's component tests: stores whose state the
// test sets, and a record of what the page asked for (refreshes, reloads, retries). It
// implements the agreed interface only; the real hooks and provider of @freshet/client/react
// run on it unchanged.
import { createElement, type ReactElement } from 'react';
import { FreshetProvider } from '@freshet/client/react';
import type { ConnectionSnapshot, FreshetClient, HistoryPage, HistoryQuery, OverviewState, SourceState, SourceStore, SourceSummary, Store } from '@freshet/client';
import { I18nProvider } from '../i18n/i18n-context';

export class FakeStore<T> implements Store<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private state: T) {}
  getState = (): T => this.state;
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  set(next: T): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}

export class FakeClient implements FreshetClient {
  readonly tenant: string;
  readonly calls: string[] = [];
  readonly sources = new Map<string, FakeStore<SourceState> & SourceStore>();
  readonly connectionStore = new FakeStore<ConnectionSnapshot>({ state: 'idle', attempt: 0 });
  readonly overviewStore = new FakeStore<OverviewState>({ status: 'idle' });
  readonly connection = Object.assign(this.connectionStore, { retry: () => void this.calls.push('connection.retry') });
  sourceList: SourceSummary[] = [];
  /** Pages `history()` answers, in order (then empty pages); the queries it got. */
  historyPages: HistoryPage[] = [];
  readonly historyQueries: Array<{ sourceId: string } & HistoryQuery> = [];
  stats = { malformedEvents: 0, duplicateEvents: 0, reconnects: 0, resets: 0 };

  constructor(tenant = 'demo') {
    this.tenant = tenant;
  }

  source(sourceId: string): FakeStore<SourceState> & SourceStore {
    let store = this.sources.get(sourceId);
    if (!store) {
      const fake = new FakeStore<SourceState>({ status: 'loading', records: [], freshness: 'cached', changed: undefined });
      store = Object.assign(fake, {
        sourceId,
        refresh: async () => {
          this.calls.push(`refresh:${sourceId}`);
          return { jobId: '00000000-0000-4000-8000-000000000000', joined: false };
        },
        reload: async () => void this.calls.push(`reload:${sourceId}`),
      });
      this.sources.set(sourceId, store);
    }
    return store;
  }

  overview() {
    return Object.assign(this.overviewStore, { reload: async () => void this.calls.push('overview.reload') });
  }

  async listSources(): Promise<SourceSummary[]> {
    return this.sourceList;
  }

  async history(sourceId: string, query: HistoryQuery): Promise<HistoryPage> {
    this.calls.push(`history:${sourceId}`);
    this.historyQueries.push({ sourceId, ...query });
    return this.historyPages.shift() ?? { events: [] };
  }

  async retryJob(jobId: string): Promise<{ jobId: string }> {
    this.calls.push(`retryJob:${jobId}`);
    return { jobId: '11111111-1111-4111-8111-111111111111' };
  }

  close(): void {
    this.calls.push('close');
  }
}

/** `element` inside the page's providers (language, then the client), as the app nests them. */
export function withProviders(client: FreshetClient, element: ReactElement): ReactElement {
  return createElement(I18nProvider, null, createElement(FreshetProvider, { client, children: element }));
}
