// @vitest-environment happy-dom
// The admin view on the real useOverview over a fake client: job counts by status and
// priority, dead jobs with their error and a retry (only with admin:write), the cache's hit
// ratio and served-from mix, each source's freshness badge, the client's own counters.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayOverview } from '@freshet/client';
import { LANG_STORAGE_KEY } from '../i18n/language';
import { FakeClient, withProviders } from '../testing/fake-client';
import { AdminView } from './AdminView';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const DEAD = '6f1c1a3e-4a57-4c3e-9a53-9d5e2c0b7a11';
const overview: GatewayOverview = {
  position: 'ep1:42',
  jobs: { byStatus: { queued: 2, running: 1, retrying: 0, completed: 30, dead: 1 }, byPriority: { '10': 3, '3': 31 }, total: 34, oldestQueuedAgeMs: 5_000 },
  deadJobs: [
    { jobId: DEAD, source: 'stock', priority: 3, mode: 'incremental', reason: 'scan', attempts: 3, lastError: { code: 'UPSTREAM_HTTP_ERROR', message: '503 from upstream' }, queuedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:10:00.000Z' },
  ],
  cache: { hits: 9, misses: 1, hitRatio: 0.9, servedFrom: { cache: 8, database: 2, upstream: 0 }, since: '2026-01-01T00:00:00.000Z' },
  sources: [
    { source: 'products', lastSyncedAt: '2026-01-01T00:00:00.000Z', ageMs: 1000, state: 'fresh', staleAfterMs: 3_600_000, count: 120 },
    { source: 'stock', lastSyncedAt: null, ageMs: null, state: 'error', staleAfterMs: 3_600_000, error: 'UPSTREAM_HTTP_ERROR: 503', count: 0 },
  ],
  sourcesTruncated: false,
  unavailable: [],
};

let container: HTMLElement;
let root: Root;
let client: FakeClient;
const q = (testId: string) => container.querySelector(`[data-testid="${testId}"]`);

async function render(canRetry: boolean) {
  await act(async () => root.render(withProviders(client, createElement(AdminView, { canRetry, onUnauthorized: () => undefined }))));
}

beforeEach(() => {
  window.localStorage.setItem(LANG_STORAGE_KEY, 'en');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  client = new FakeClient();
});

afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
});

describe('AdminView', () => {
  it('waits for the overview, then lays out jobs, cache reads and sources', async () => {
    await render(true);
    expect(q('overview-loading')).not.toBeNull();
    client.stats = { malformedEvents: 2, duplicateEvents: 0, reconnects: 1, resets: 0 };
    await act(async () => client.overviewStore.set({ status: 'ready', overview, lastEventAt: Date.now() }));

    expect(q('jobs-status-queued')?.getAttribute('data-count')).toBe('2');
    expect(q('jobs-status-dead')?.getAttribute('data-count')).toBe('1');
    expect(Array.from(container.querySelectorAll('[data-testid^="jobs-priority-"]')).map((row) => row.getAttribute('data-testid'))).toEqual(['jobs-priority-10', 'jobs-priority-3']);
    expect(q('cache-hit-ratio')?.textContent).toBe('Hit ratio: 90%');
    expect(q('served-from-cache')?.textContent).toContain('8 (80%)');
    expect(q('served-from-database')?.textContent).toContain('2 (20%)');
    expect(q('admin-source-stock')?.getAttribute('data-state')).toBe('error');
    expect(q('admin-badge-stock')?.textContent).toBe('Error');
    expect(q('admin-badge-products')?.textContent).toBe('Fresh ✓');
    expect(q(`dead-job-error-${DEAD}`)?.textContent).toBe('UPSTREAM_HTTP_ERROR: 503 from upstream');
    expect(q('client-stats')?.getAttribute('data-malformed')).toBe('2');
  });

  it('retries a dead job and says what became of it', async () => {
    await render(true);
    await act(async () => client.overviewStore.set({ status: 'ready', overview }));
    await act(async () => (q(`retry-job-${DEAD}`) as HTMLButtonElement).click());
    expect(client.calls).toEqual([`retryJob:${DEAD}`]);
    expect(q(`retry-job-result-${DEAD}`)?.textContent).toContain('queued as 11111111');
  });

  it('offers no retry without admin:write, and a reload when the overview failed', async () => {
    await render(false);
    await act(async () => client.overviewStore.set({ status: 'ready', overview }));
    expect((q(`retry-job-${DEAD}`) as HTMLButtonElement).disabled).toBe(true);

    await act(async () => client.overviewStore.set({ status: 'error', error: { code: 'STREAM_UNAVAILABLE', message: 'NATS is down', status: 503 } }));
    expect(q('overview-error')?.textContent).toContain('NATS is down');
    await act(async () => (q('overview-retry') as HTMLButtonElement).click());
    expect(client.calls).toEqual(['overview.reload']);
  });
});
