// @vitest-environment happy-dom
// The indicator on the real useConnection over a fake client: each state's label in the
// page's language, the attempt while reconnecting, "reconnect now" when offline.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LANG_STORAGE_KEY } from '../i18n/language';
import { FakeClient, withProviders } from '../testing/fake-client';
import { ConnectionIndicator } from './ConnectionIndicator';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;
let client: FakeClient;
const indicator = () => container.querySelector('[data-testid="connection"]');

beforeEach(async () => {
  window.localStorage.setItem(LANG_STORAGE_KEY, 'en');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  client = new FakeClient();
  await act(async () => root.render(withProviders(client, createElement(ConnectionIndicator))));
});

afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
});

describe('ConnectionIndicator', () => {
  it('follows the connection: live, reconnecting with its attempt, offline with a reconnect button, expired', async () => {
    await act(async () => client.connectionStore.set({ state: 'live', attempt: 0 }));
    expect(indicator()?.getAttribute('data-state')).toBe('live');
    expect(container.querySelector('[data-testid="connection-label"]')?.textContent).toBe('Live');
    expect(container.querySelector('[data-testid="connection-retry"]')).toBeNull();

    await act(async () => client.connectionStore.set({ state: 'reconnecting', attempt: 3, nextRetryAt: Date.now() + 4_000 }));
    expect(indicator()?.textContent).toContain('Reconnecting…');
    expect(indicator()?.textContent).toContain('attempt 3');
    expect(indicator()?.textContent).toMatch(/retry in [34] s/);

    await act(async () => client.connectionStore.set({ state: 'offline', attempt: 20, lastError: { code: 'NETWORK_ERROR', message: 'down' } }));
    expect(container.querySelector('[data-testid="connection-label"]')?.textContent).toBe('Offline');
    expect(indicator()?.getAttribute('title')).toBe('NETWORK_ERROR: down');
    await act(async () => (container.querySelector('[data-testid="connection-retry"]') as HTMLButtonElement).click());
    expect(client.calls).toEqual(['connection.retry']);

    await act(async () => client.connectionStore.set({ state: 'auth-expired', attempt: 0 }));
    expect(container.querySelector('[data-testid="connection-label"]')?.textContent).toBe('Session expired');
    expect(container.querySelector('[data-testid="connection-retry"]')).toBeNull();
  });

  it('switches language with the page', async () => {
    window.localStorage.setItem(LANG_STORAGE_KEY, 'tr');
    await act(async () => root.unmount());
    root = createRoot(container);
    await act(async () => root.render(withProviders(client, createElement(ConnectionIndicator))));
    await act(async () => client.connectionStore.set({ state: 'live', attempt: 0 }));
    expect(container.querySelector('[data-testid="connection-label"]')?.textContent).toBe('Canlı');
  });
});
