// @vitest-environment happy-dom
// useSource/useConnection render a store driven by a fake gateway (snapshot + SSE frames
// written by the test) and re-render on its events.
import { act, createElement, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFreshetClient } from '../client';
import { FakeGateway } from '../testing/fake-gateway';
import { contentDeleted, contentUpserted, EPOCH, snapshotMeta, TENANT } from '../testing/events';
import type { FreshetClient } from '../types';
import { FreshetProvider, useConnection, useSource } from './index';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function Orders(props: { tenant?: string }): ReactElement {
  const orders = useSource(props.tenant ?? TENANT, 'orders');
  const connection = useConnection();
  return createElement(
    'section',
    { 'data-status': orders.status, 'data-freshness': orders.freshness, 'data-connection': connection.state, 'data-error': orders.error?.code ?? '' },
    createElement(
      'ul',
      null,
      orders.data.map((r) => createElement('li', { key: r.key }, `${r.key}:${String(r.record['name'])}`)),
    ),
  );
}

function mount(): { container: HTMLElement; root: Root } {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  cleanups.push(() => {
    act(() => root.unmount());
    container.remove();
  });
  return { container, root };
}

function setup(): { gateway: FakeGateway; client: FreshetClient } {
  const gateway = new FakeGateway();
  gateway.snapshots.set('orders', {
    records: [
      { key: 'a', record: { name: 'apple' } },
      { key: 'b', record: { name: 'banana' } },
    ],
    meta: snapshotMeta(5, { count: 2 }),
  });
  const client = createFreshetClient({ baseUrl: 'http://gw.test', tenant: TENANT, auth: { kind: 'bearer', token: 't' }, fetch: gateway.fetch, releaseGraceMs: 10 });
  cleanups.push(() => client.close());
  return { gateway, client };
}

/** Waits (inside act, so React flushes what the store changes) until the check passes. */
const until = (check: () => void) => act(() => vi.waitFor(check, { timeout: 2_000, interval: 5 }));
const items = (container: HTMLElement) => Array.from(container.querySelectorAll('li'), (li) => li.textContent);

describe('React hooks', () => {
  it('renders the records of useSource and updates on events', async () => {
    const { gateway, client } = setup();
    const { container, root } = mount();
    act(() => root.render(createElement(FreshetProvider, { client, children: createElement(Orders) })));
    const section = () => container.querySelector('section') as HTMLElement;
    expect(section().dataset['status']).toBe('loading');

    await until(() => expect(client.source('orders').getState().status).toBe('ready'));
    expect(items(container)).toEqual(['a:apple', 'b:banana']);
    expect(section().dataset['freshness']).toBe('cached');

    const stream = await act(() => gateway.stream(0));
    await act(async () => stream.ready(`${EPOCH}:5`));
    await until(() => expect(client.connection.getState().state).toBe('live'));
    expect(section().dataset['connection']).toBe('live');

    await act(async () => {
      stream.send({ id: `${EPOCH}:6`, event: 'content.created', data: contentUpserted('orders', 'c', { name: 'cherry' }, 'content.created') });
      stream.send({ id: `${EPOCH}:7`, event: 'content.deleted', data: contentDeleted('orders', 'a') });
    });
    await until(() => expect(client.source('orders').getState().position).toBe(`${EPOCH}:7`));
    expect(items(container)).toEqual(['b:banana', 'c:cherry']);
  });

  it('shows an error state for a tenant the client is not for, without a request', async () => {
    const { gateway, client } = setup();
    const { container, root } = mount();
    act(() => root.render(createElement(FreshetProvider, { client, children: createElement(Orders, { tenant: 'other' }) })));
    const section = container.querySelector('section') as HTMLElement;
    expect(section.dataset['status']).toBe('error');
    expect(section.dataset['error']).toBe('TENANT_MISMATCH');
    expect(gateway.requests).toEqual([]);
  });

  it('refuses hooks outside a FreshetProvider', () => {
    const { root } = mount();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => act(() => root.render(createElement(Orders)))).toThrow(/FreshetProvider/);
    } finally {
      errors.mockRestore();
    }
  });
});
