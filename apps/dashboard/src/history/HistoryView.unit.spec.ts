// @vitest-environment happy-dom
// The historical view over a fake client: the URL's form becomes a history query, the
// answer a summary and an event list with "load more", a bad range is named, and no source
// or overview store is subscribed (so the client opens no stream).
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FreshetEvent } from '@freshet/contracts';
import { LANG_STORAGE_KEY } from '../i18n/language';
import { FakeClient, withProviders } from '../testing/fake-client';
import { HistoryView } from './HistoryView';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const JOB = '6f1c1a3e-4a57-4c3e-9a53-9d5e2c0b7a11';
const event = (n: number, key: string, type: 'content.created' | 'content.updated'): { position: string; event: FreshetEvent } => ({
  position: String(n),
  event: {
    id: `6f1c1a3e-4a57-4c3e-9a53-${String(n).padStart(12, '0')}`,
    tenant: 'demo',
    source: 'products',
    time: `2026-01-01T00:00:0${n}.000Z`,
    ...(type === 'content.created'
      ? { type, data: { key, hash: 'h', record: { id: key, name: `Item ${key}` }, jobId: JOB } }
      : { type, data: { key, hash: 'h2', previousHash: 'h', record: { id: key, name: `Item ${key} v2` }, jobId: JOB } }),
  } as FreshetEvent,
});

let container: HTMLElement;
let root: Root;
let client: FakeClient;
const q = (testId: string) => container.querySelector(`[data-testid="${testId}"]`);

async function render(params: Record<string, string>) {
  await act(async () => root.render(withProviders(client, createElement(HistoryView, { params, onUnauthorized: () => undefined }))));
  // Let the source list and the history answer land.
  await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
}

beforeEach(() => {
  window.localStorage.setItem(LANG_STORAGE_KEY, 'en');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  client = new FakeClient();
  client.sourceList = [{ source: 'products', displayName: 'Products', lastSyncedAt: null }];
});

afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
});

describe('HistoryView', () => {
  it("queries the URL's range and families, summarizes the answer and pages on", async () => {
    client.historyPages = [{ events: [event(1, 'a', 'content.created'), event(2, 'b', 'content.created')], nextAfter: '2' }, { events: [event(3, 'a', 'content.updated')] }];
    await render({ source: 'products', range: '6h', types: 'content,job' });

    const [query] = client.historyQueries;
    expect(query).toMatchObject({ sourceId: 'products', types: ['content.', 'job.'], limit: 200 });
    expect(Date.parse(query!.to) - Date.parse(query!.from)).toBe(6 * 3_600_000);
    expect(q('history-summary')?.getAttribute('data-created')).toBe('2');
    expect(container.querySelectorAll('[data-testid="history-event"]')).toHaveLength(2);

    await act(async () => (q('history-more') as HTMLButtonElement).click());
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(client.historyQueries[1]).toMatchObject({ after: '2' });
    expect(container.querySelectorAll('[data-testid="history-event"]')).toHaveLength(3);
    expect(q('history-summary')?.getAttribute('data-updated')).toBe('1');
    expect(q('history-key-a')?.getAttribute('data-last')).toBe('content.updated');
    expect(q('history-more')).toBeNull();
  });

  it('names a range that ends before it starts, and asks nothing', async () => {
    await render({ source: 'products', range: 'custom', from: '2026-01-02T10:00', to: '2026-01-01T10:00' });
    expect(q('history-invalid')?.getAttribute('data-problem')).toBe('from-after-to');
    expect(client.historyQueries).toHaveLength(0);
  });

  it('subscribes to no source and no overview: no stream is opened for it', async () => {
    await render({ source: 'products', range: '1h' });
    expect(client.historyQueries).toHaveLength(1);
    expect(client.sources.size).toBe(0);
    expect(client.overviewStore.subscribers).toBe(0);
  });
});
