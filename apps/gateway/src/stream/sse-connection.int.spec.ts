// The connection's state machine on a real HTTP socket (no NATS: frames are made here):
// replay then held frames without gaps or duplicates, the held-frames bound, resets while
// replaying, `retry:` first, coalescing windows and clean close.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceMetrics } from '@freshet/telemetry';
import { openSse, waitFor, type SseConnection as TestClient } from '@freshet/testkit';
import type { Channel } from '../channels/channel';
import { eventFrame, type EventFrame } from './event-frame';
import { startExpirySchedule, type ExpirySchedule } from './expiry-schedule';
import { startHeartbeatWheel } from './heartbeat-wheel';
import { SseConnection, type SseConnectionOptions } from './sse-connection';
import { streamMetrics } from './stream-metrics';
import { contentEvent, logger } from './testing/stream-test-gateway';

const metrics = streamMetrics(createServiceMetrics('gateway-connection-test').meter);
const channels: Channel[] = [{ kind: 'source', tenant: 'acme', source: 'orders' }];
let server: Server;
let base: string;
let live = { epoch: 'ep', seq: 0 };
let options: Partial<SseConnectionOptions> = {};
const connections: SseConnection[] = [];
const heartbeats = startHeartbeatWheel(60_000);
const expiries = startExpirySchedule();

beforeAll(async () => {
  server = createServer((_req, res) => {
    const connection = new SseConnection({
      res,
      tenant: 'acme',
      subject: 'user-1',
      channels,
      retryMs: 1_234,
      heartbeats,
      expiries,
      coalesceMs: 0,
      maxBufferedBytes: 1_048_576,
      replayBufferMaxBytes: 1_048_576,
      livePosition: () => live,
      metrics,
      logger,
      ...options,
    });
    connection.open();
    connections.push(connection);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  heartbeats.stop();
  expiries.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const frame = (seq: number, p: Parameters<typeof contentEvent>[0] = {}): EventFrame => eventFrame({ epoch: 'ep', seq }, contentEvent({ source: 'orders', ...p }));
const ids = (client: TestClient) => client.events.filter((e) => e.event.startsWith('content.')).map((e) => Number(e.id!.split(':')[1]));

async function connect(with_: Partial<SseConnectionOptions> = {}): Promise<{ client: TestClient; connection: SseConnection }> {
  options = with_;
  const before = connections.length;
  const client = await openSse(base);
  await waitFor(() => connections.length > before);
  return { client, connection: connections.at(-1)! };
}

describe('SseConnection', () => {
  it('writes retry first, then replayed frames, then the held live frames after them, once each', async () => {
    const raw = await fetch(base);
    const reader = raw.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('retry: 1234\n\n');
    // A close-delimited body: events are written as they are, without chunk framing.
    expect(raw.headers.get('transfer-encoding')).toBeNull();
    expect(raw.headers.get('connection')).toBe('close');
    await reader.cancel();

    const { client, connection } = await connect();
    connection.beginBuffering();
    // Live frames arrive while the replay runs: held, not interleaved.
    connection.deliver(frame(11));
    connection.deliver(frame(12));
    for (const seq of [8, 9, 10]) expect(await connection.writeReplay(frame(seq))).toBe(true);
    connection.deliver(frame(13));
    // A held frame the replay already covered (a client ahead of the hub) is skipped.
    await connection.finishReplay(11);
    connection.deliver(frame(14));
    await waitFor(() => ids(client).length === 6);
    expect(ids(client)).toEqual([8, 9, 10, 12, 13, 14]);
    expect(await connection.writeReplay(frame(15))).toBe(false);
    client.close();
  });

  it('abandons a replay with a reset when live frames outgrow what it may hold', async () => {
    const { client, connection } = await connect({ replayBufferMaxBytes: 4_000 });
    connection.beginBuffering();
    expect(await connection.writeReplay(frame(1))).toBe(true);
    live = { epoch: 'ep', seq: 0 };
    // Held frames past 4,000 bytes: the one that crosses it is dropped with the rest.
    const heldFrames = Array.from({ length: 10 }, (_, i) => frame(20 + i, { pad: 500 }));
    let bytes = 0;
    const crossing = heldFrames.find((f) => (bytes += f.bytes.length) > 4_000)!;
    heldFrames.forEach((f) => connection.deliver(f));
    // The replay is told to stop; live delivery goes on after the reset's position.
    expect(await connection.writeReplay(frame(2))).toBe(false);
    await connection.finishReplay(2);
    connection.deliver(frame(31));
    const reset = await client.waitFor((e) => e.event === 'reset');
    expect(JSON.parse(reset.data)).toEqual({ reason: 'replay_limit', position: `ep:${crossing.seq}` });
    expect(reset.id).toBe(`ep:${crossing.seq}`);
    await waitFor(() => ids(client).includes(31));
    // Frames after the crossing one were delivered live, as the hub would after the reset position.
    expect(ids(client)).toEqual([1, ...heldFrames.filter((f) => f.seq > crossing.seq).map((f) => f.seq), 31]);
    client.close();
  });

  it('turns a discontinuity while replaying into a reset and drops the held frames', async () => {
    const { client, connection } = await connect();
    connection.beginBuffering();
    connection.deliver(frame(5));
    connection.discontinuity('epoch_changed', { epoch: 'ep2', seq: 0 });
    expect(connection.isBuffering).toBe(false);
    connection.deliver(eventFrame({ epoch: 'ep2', seq: 1 }, contentEvent({ source: 'orders' })));
    await client.waitFor((e) => e.id === 'ep2:1');
    expect(client.events.map((e) => [e.event, e.id])).toEqual([
      ['reset', 'ep2:0'],
      ['content.created', 'ep2:1'],
    ]);
    client.close();
  });

  it('coalesces a window into one write and keeps the last update of a record', async () => {
    const { client, connection } = await connect({ coalesceMs: 100 });
    connection.deliver(frame(1, { type: 'content.created', key: 'a' }));
    connection.deliver(frame(2, { type: 'content.updated', key: 'a' }));
    connection.deliver(frame(3, { type: 'content.updated', key: 'b' }));
    await new Promise((r) => setTimeout(r, 30));
    expect(client.events).toHaveLength(0);
    await waitFor(() => ids(client).length === 2);
    expect(ids(client)).toEqual([2, 3]);
    client.close();
  });

  it('runs its close handlers once, when the client leaves', async () => {
    const { client, connection } = await connect();
    let closed = 0;
    connection.onClose(() => (closed += 1));
    client.close();
    await waitFor(() => closed === 1);
    connection.close();
    expect(closed).toBe(1);
    expect(connection.isOpen).toBe(false);
    connection.onClose(() => (closed += 1));
    expect(closed).toBe(2);
  });

  it('leaves the expiry schedule when the client leaves first, with the ticket it was given', async () => {
    const calls: string[] = [];
    const recording: ExpirySchedule = {
      add: (_target, expiresAt) => (calls.push(`add ${expiresAt}`), 42),
      remove: (_target, ticket) => void calls.push(`remove ${ticket}`),
      tick: () => undefined,
      stop: () => undefined,
    };
    const expiresAt = Date.now() + 3_600_000;
    const { client, connection } = await connect({ expiries: recording, expiresAt });
    expect(calls).toEqual([`add ${expiresAt}`]);
    client.close();
    await waitFor(() => !connection.isOpen);
    connection.close();
    // Once, or a closed stream would stay in the schedule (and in memory) until its token's exp.
    expect(calls).toEqual([`add ${expiresAt}`, 'remove 42']);
  });

  it('ends with auth-expired when the schedule expires it, after what was queued', async () => {
    const { client, connection } = await connect({ expiresAt: Date.now() + 3_600_000, coalesceMs: 60_000 });
    connection.deliver(frame(1));
    connection.expire();
    const expired = await client.waitFor((e) => e.event === 'auth-expired');
    expect(JSON.parse(expired.data)).toMatchObject({ reason: 'credential_expired' });
    expect(ids(client)).toEqual([1]);
    expect(connection.isOpen).toBe(false);
  });
});
