// Protection against clients that cost more than they should: a client that stops reading
// is dropped (and counted) instead of buffered without bound, while a normal client on the
// same events goes on receiving; concurrent streams per address are limited.
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, testNames, waitFor } from '@freshet/testkit';
import { contentEvent, principalHeader, startStreamBus, startStreamGateway, type StreamBus, type StreamTestGateway } from './testing/stream-test-gateway';

let bus: StreamBus;
let gw: StreamTestGateway;

beforeAll(async () => {
  bus = await startStreamBus(testNames('gwp'));
  gw = await startStreamGateway(bus, { GATEWAY_MAX_BUFFERED_BYTES: 65_536, GATEWAY_MAX_STREAMS_PER_IP: 4, GATEWAY_MAX_STREAMS_PER_CREDENTIAL: 10 });
});

afterAll(async () => {
  await gw?.close();
  await bus?.close();
});

/** A raw HTTP client that sends the request and then never reads a byte. */
function stalledClient(path: string): Promise<Socket> {
  const { port } = new URL(gw.base);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port: Number(port) }, () => {
      const headers = { ...principalHeader({ cred: 'stalled' }), accept: 'text/event-stream', host: '127.0.0.1' };
      socket.write(`GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      socket.pause();
      resolve(socket);
    });
    socket.on('error', () => undefined); // reset by the server when it drops us: expected
    socket.once('error', reject);
  });
}

describe('slow clients', () => {
  it('drops a client that stops reading, counts it, and keeps serving the others', { timeout: 60_000 }, async () => {
    const normal = await openSse(`${gw.base}/v1/tenants/acme/sources/orders/events`, { headers: principalHeader({ cred: 'normal' }) });
    await normal.waitFor((e) => e.event === 'ready');
    const stalled = await stalledClient('/v1/tenants/acme/sources/orders/events');
    await waitFor(() => gw.hub.subscriberCount() === 2, { message: 'both clients registered' });

    // ~24 MB of events: more than the kernel's socket buffers can hide.
    const COUNT = 400;
    const seqs: number[] = [];
    for (let i = 0; i < COUNT; i++) seqs.push(await bus.publish(contentEvent({ source: 'orders', pad: 60_000 })));

    await waitFor(async () => (await gw.metric('freshet_gateway_slow_client_drops_total', { tenant: 'acme' })) === 1, { message: 'one slow client dropped', timeoutMs: 20_000 });
    await waitFor(() => gw.hub.subscriberCount() === 1, { message: 'the slow client unregistered' });
    const epoch = await bus.epoch();
    await normal.waitFor((e) => e.id === `${epoch}:${seqs.at(-1)}`, { timeoutMs: 30_000 });
    expect(normal.events.filter((e) => e.event === 'content.created').map((e) => e.id)).toEqual(seqs.map((s) => `${epoch}:${s}`));
    expect(normal.events.some((e) => e.event === 'disconnect')).toBe(false);

    // Its socket is destroyed after a short grace, whether or not it read the final event.
    await waitFor(() => new Promise<boolean>((resolve) => gw.app.server.getConnections((_e, n) => resolve(n === 1))), { message: 'the slow socket closed', timeoutMs: 5_000 });
    stalled.destroy();
    normal.close();
  });

  it('ends a slow client with a final disconnect event it can still read', { timeout: 60_000 }, async () => {
    const stalled = await stalledClient('/v1/tenants/acme/sources/orders/events');
    await waitFor(() => gw.hub.subscriberCount() === 1, { message: 'registered' });
    const before = await gw.metric('freshet_gateway_slow_client_drops_total', { tenant: 'acme' });
    for (let i = 0; i < 400 && (await gw.metric('freshet_gateway_slow_client_drops_total', { tenant: 'acme' })) === before; i++) {
      await bus.publish(contentEvent({ source: 'orders', pad: 60_000 }));
    }
    // Reading now, within the grace, gets everything the server had queued, the final event last.
    const chunks: Buffer[] = [];
    stalled.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => stalled.once('close', resolve));
    stalled.resume();
    await ended;
    const tail = Buffer.concat(chunks).subarray(-200).toString('utf8');
    expect(tail).toContain('event: disconnect\ndata: {"reason":"slow_client"}\n\n');
  });
});

describe('limits', () => {
  it('refuses more concurrent streams per address than allowed with 429', async () => {
    const streams = await Promise.all([1, 2, 3, 4].map((i) => openSse(`${gw.base}/v1/tenants/acme/stream?channel=tenant`, { headers: principalHeader({ cred: `ip-${i}` }) })));
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const refused = await fetch(`${gw.base}/v1/tenants/acme/stream?channel=tenant`, { headers: principalHeader({ cred: 'ip-5' }) });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(/this address .*at most 4/);
    expect(await gw.metric('freshet_gateway_streams_refused_total', { reason: 'ip_limit' })).toBe(1);
    streams.forEach((s) => s.close());
  });
});
