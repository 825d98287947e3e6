// @vitest-environment happy-dom
// The widget on the real React hooks of @freshet/client/react over a fake client: the
// badge per freshness and language, the flash on changed cells (and only them), paging of
// a 1,000-record source, a failed snapshot's reason and retry, the first-render mark.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceState } from '@freshet/client';
import { LANG_STORAGE_KEY } from '../i18n/language';
import { FakeClient, withProviders } from '../testing/fake-client';
import { FLASH_MS } from './flash';
import { SourceWidget } from './SourceWidget';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const item = (id: number, price = id * 100) => ({ key: String(id), record: { id, name: `Item ${id}`, price, quantity: id % 7 } });
const ready = (records: SourceState['records'], extra: Partial<SourceState> = {}): SourceState => ({ status: 'ready', records, freshness: 'cached', changed: undefined, ...extra });

let container: HTMLElement;
let root: Root;
let client: FakeClient;
const q = (testId: string) => container.querySelector(`[data-testid="${testId}"]`);

async function render(source: string, canRefresh = true) {
  await act(async () => {
    root.render(withProviders(client, createElement(SourceWidget, { tenant: 'demo', source, canRefresh, onUnauthorized: () => undefined })));
  });
}

async function setState(source: string, state: SourceState) {
  await act(async () => client.source(source).set(state));
}

beforeEach(() => {
  window.localStorage.setItem(LANG_STORAGE_KEY, 'tr');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  client = new FakeClient();
});

afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.useRealTimers();
});

describe('SourceWidget', () => {
  it('shows loading, then the badge in the chosen language once data is in, and marks the first render once', async () => {
    await render('products');
    expect(q('loading-products')).not.toBeNull();
    expect(q('badge-products')).toBeNull();
    expect(performance.getEntriesByName('freshet:first-render:products')).toHaveLength(0);

    await setState('products', ready([item(1), item(2)]));
    expect(q('badge-products')?.textContent).toBe('Önbellek');
    expect(q('badge-products')?.getAttribute('data-freshness')).toBe('cached');
    expect(container.querySelectorAll('[data-testid^="row-products-"]')).toHaveLength(2);
    expect(performance.getEntriesByName('freshet:first-render:products')).toHaveLength(1);

    for (const [freshness, label] of [['revalidating', 'Güncelleniyor…'], ['fresh', 'Güncel ✓'], ['stale', 'Eski']] as const) {
      await setState('products', ready([item(1), item(2)], { freshness }));
      expect(q('badge-products')?.textContent).toBe(label);
    }
    expect(performance.getEntriesByName('freshet:first-render:products')).toHaveLength(1);
  });

  it('flashes the cells an event changed, only those, for FLASH_MS', async () => {
    vi.useFakeTimers();
    await render('flashy');
    const records = [item(1), item(2), item(3)];
    await setState('flashy', ready(records));
    expect(container.querySelectorAll('.flash')).toHaveLength(0);

    const changed = [records[0]!, { key: '2', record: { ...records[1]!.record, price: 999 } }, records[2]!];
    await setState('flashy', ready(changed, { changed: { keys: ['2'], at: Date.now() } }));
    expect(Array.from(container.querySelectorAll('.flash')).map((cell) => cell.getAttribute('data-testid'))).toEqual(['cell-flashy-2-price']);
    expect(q('row-flashy-2')?.getAttribute('data-flash')).toBe('true');
    expect(q('cell-flashy-2-price')?.textContent).toBe('999');

    await act(async () => vi.advanceTimersByTime(FLASH_MS + 50));
    expect(container.querySelectorAll('.flash')).toHaveLength(0);
    expect(q('row-flashy-2')?.getAttribute('data-flash')).toBeNull();
  });

  it('pages a 1,000-record source 50 rows at a time', async () => {
    await render('stock');
    await setState('stock', ready(Array.from({ length: 1000 }, (_, i) => item(i + 1))));
    expect(container.querySelectorAll('[data-testid^="row-stock-"]')).toHaveLength(50);
    expect(q('row-stock-1')).not.toBeNull();
    expect(q('page-info-stock')?.textContent).toBe('1–50 / 1000');

    await act(async () => (q('page-next-stock') as HTMLButtonElement).click());
    expect(q('row-stock-51')).not.toBeNull();
    expect(q('row-stock-1')).toBeNull();
    expect(q('page-info-stock')?.getAttribute('data-page')).toBe('2');
    expect(container.querySelectorAll('[data-testid^="bar-stock-"]')).toHaveLength(12);
  });

  it('shows a failed snapshot as an error badge with the reason, and retries by reloading', async () => {
    await render('broken');
    await setState('broken', { status: 'error', records: [], freshness: 'cached', changed: undefined, error: { code: 'CACHE_UNAVAILABLE', message: 'the cache did not answer', status: 503 } });
    expect(q('badge-broken')?.textContent).toBe('Hata');
    expect(q('error-broken')?.textContent).toContain('the cache did not answer');
    expect(q('error-broken')?.getAttribute('data-code')).toBe('CACHE_UNAVAILABLE');
    await act(async () => (q('retry-broken') as HTMLButtonElement).click());
    expect(client.calls).toContain('reload:broken');
  });

  it('asks for a refresh with the button, which is disabled without the scope', async () => {
    await render('products');
    await setState('products', ready([item(1)]));
    await act(async () => (q('refresh-products') as HTMLButtonElement).click());
    expect(client.calls).toEqual(['refresh:products']);

    await render('products', false);
    expect((q('refresh-products') as HTMLButtonElement).disabled).toBe(true);
  });
});
