// The SSE routes against the real NATS: channels route exactly their events, ids are
// stream positions, refusals come before the stream, resume and reset, coalescing,
// limits, expiry, heartbeats and the demand hook.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { openSse, testNames, waitFor, type SseConnection, type SseEvent } from '@freshet/testkit';
import {
  contentEvent,
  jobStarted,
  metricsUpdated,
  principalHeader,
  startStreamBus,
  startStreamGateway,
  type StreamBus,
  type StreamTestGateway,
} from './testing/stream-test-gateway';

const CONTROL = new Set(['ready', 'reset', 'disconnect', 'auth-expired']);
const dataEvents = (sse: SseConnection): SseEvent[] => sse.events.filter((e) => !CONTROL.has(e.event));
const keyOf = (e: SseEvent) => (JSON.parse(e.data) as { data: { key?: string } }).data.key;

let bus: StreamBus;
let gw: StreamTestGateway;
const watches: string[] = [];
const open: SseConnection[] = [];

async function sse(path: string, headers: Record<string, string> = principalHeader(), base = gw.base): Promise<SseConnection> {
  const connection = await openSse(`${base}${path}`, { headers });
  open.push(connection);
  return connection;
}

beforeAll(async () => {
  bus = await startStreamBus(testNames('gws'));
  gw = await startStreamGateway(
    bus,
    { GATEWAY_HEARTBEAT_MS: 150, GATEWAY_MAX_STREAMS_PER_CREDENTIAL: 3 },
    {
      onWatch: (tenant, source) => {
        watches.push(`+${tenant}/${source}`);
        return () => watches.push(`-${tenant}/${source}`);
      },
    },
  );
});

afterAll(async () => {
  open.forEach((c) => c.close());
  await gw?.close();
  await bus?.close();
});

describe('channels and positions', () => {
  it("routes exactly its channels' events, never another tenant's, with <epoch>:<seq> ids", async () => {
    const stream = await sse('/v1/tenants/acme/stream?channel=source:orders&channel=admin');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toBe('no-store');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const ready = await stream.waitFor((e) => e.event === 'ready');
    const epoch = await bus.epoch();
    expect(JSON.parse(ready.data)).toEqual({ channels: ['source:orders', 'admin'], position: `${epoch}:${gw.hub.position().seq}` });
    expect(ready.id).toBe(`${epoch}:${gw.hub.position().seq}`);

    const wanted: number[] = [];
    wanted.push(await bus.publish(contentEvent({ source: 'orders', key: 'a' })));
    await bus.publish(contentEvent({ source: 'other', key: 'b' })); // another source, not admin
    await bus.publish(contentEvent({ tenant: 'globex', source: 'orders', key: 'c' })); // another tenant
    await bus.publish(jobStarted({ tenant: 'globex', source: 'orders' })); // another tenant's admin event
    wanted.push(await bus.publish(jobStarted({ source: 'other' }))); // admin
    wanted.push(await bus.publish(metricsUpdated())); // admin, once although two channels could
    wanted.push(await bus.publish(contentEvent({ source: 'orders', type: 'content.deleted', key: 'a' })));
    await stream.waitFor((e) => e.id === `${epoch}:${wanted.at(-1)}`);
    await sleep(100);
    expect(dataEvents(stream).map((e) => [e.id, e.event])).toEqual([
      [`${epoch}:${wanted[0]}`, 'content.created'],
      [`${epoch}:${wanted[1]}`, 'job.started'],
      [`${epoch}:${wanted[2]}`, 'metrics.updated'],
      [`${epoch}:${wanted[3]}`, 'content.deleted'],
    ]);
    expect(JSON.parse(dataEvents(stream)[0]!.data)).toMatchObject({ tenant: 'acme', source: 'orders', data: { key: 'a' } });
    await waitFor(() => stream.comments.includes('hb'), { message: 'a heartbeat comment' });
    stream.close();
  });

  it('serves the one-source form and resumes it from lastEventId, in order, without duplicates', async () => {
    const stream = await sse('/v1/tenants/acme/sources/orders/events');
    await stream.waitFor((e) => e.event === 'ready');
    const seqs: number[] = [];
    for (const source of ['orders', 'users', 'orders', 'orders']) {
      const seq = await bus.publish(contentEvent({ source }));
      if (source === 'orders') seqs.push(seq);
    }
    const epoch = await bus.epoch();
    await stream.waitFor((e) => e.id === `${epoch}:${seqs[2]}`);
    expect(dataEvents(stream).map((e) => e.id)).toEqual(seqs.map((s) => `${epoch}:${s}`));
    stream.close();

    const resumed = await sse(`/v1/tenants/acme/sources/orders/events?lastEventId=${epoch}:${seqs[0]}`);
    await resumed.waitFor((e) => e.id === `${epoch}:${seqs[2]}`);
    const live = await bus.publish(contentEvent({ source: 'orders' }));
    await resumed.waitFor((e) => e.id === `${epoch}:${live}`);
    expect(dataEvents(resumed).map((e) => e.id)).toEqual([seqs[1], seqs[2], live].map((s) => `${epoch}:${s}`));
    // ready's id is the client's own position, so a drop before the first event loses nothing.
    expect(resumed.events[0]).toMatchObject({ event: 'ready', id: `${epoch}:${seqs[0]}` });
    expect(await gw.metric('freshet_gateway_events_replayed_total', { tenant: 'acme' })).toBeGreaterThanOrEqual(2);
    resumed.close();
  });
});

describe('refusals before the stream', () => {
  const status = async (path: string, headers: Record<string, string> = principalHeader()) => {
    const response = await fetch(`${gw.base}${path}`, { headers });
    const body = (await response.json()) as { error: string; message: string };
    return { status: response.status, error: body.error, message: body.message };
  };

  it('400 for tokens in the URL, bad channels and coalescing windows; 401, 403, 404', async () => {
    expect(await status('/v1/tenants/acme/stream?channel=tenant&token=abc')).toMatchObject({ status: 400, error: 'CREDENTIAL_IN_URL' });
    expect(await status('/v1/tenants/acme/sources/orders/events?access_token=abc')).toMatchObject({ status: 400, error: 'CREDENTIAL_IN_URL' });
    expect(await status('/v1/tenants/acme/stream')).toMatchObject({ status: 400, error: 'NO_CHANNEL' });
    expect(await status('/v1/tenants/acme/stream?channel=everything')).toMatchObject({ status: 400, error: 'BAD_CHANNEL' });
    expect(await status('/v1/tenants/acme/stream?channel=tenant&coalesce=99999')).toMatchObject({ status: 400, error: 'BAD_COALESCE' });
    expect((await status('/v1/tenants/a%20b/sources/orders/events')).status).toBe(400);
    expect(await status('/v1/tenants/acme/stream?channel=tenant', {})).toMatchObject({ status: 401 });
    expect(await status('/v1/tenants/globex/stream?channel=tenant')).toMatchObject({ status: 403, error: 'FOREIGN_TENANT' });
    expect(await status('/v1/tenants/acme/stream?channel=admin', principalHeader({ scopes: ['sources:read'] }))).toMatchObject({ status: 403, error: 'MISSING_SCOPE' });
    expect(await status('/v1/tenants/acme/stream?channel=source:orders&channel=source:ghost')).toMatchObject({ status: 404, error: 'SOURCE_NOT_FOUND' });
    expect(await status('/v1/tenants/acme/sources/ghost/events')).toMatchObject({ status: 404, error: 'SOURCE_NOT_FOUND' });
  });

  it('429 beyond the concurrent streams of one credential, with a message; a closed stream frees its slot', async () => {
    const headers = principalHeader({ cred: 'limited' });
    const streams = await Promise.all([1, 2, 3].map(() => sse('/v1/tenants/acme/stream?channel=tenant', headers)));
    await Promise.all(streams.map((s) => s.waitFor((e) => e.event === 'ready')));
    const refused = await status('/v1/tenants/acme/stream?channel=tenant', headers);
    expect(refused).toMatchObject({ status: 429, error: 'TOO_MANY_STREAMS' });
    expect(refused.message).toMatch(/at most 3/);
    expect((await sse('/v1/tenants/acme/stream?channel=tenant', principalHeader({ cred: 'someone-else' }))).status).toBe(200);
    expect(await gw.metric('freshet_gateway_streams_refused_total', { reason: 'credential_limit' })).toBe(1);
    streams[0]!.close();
    const again = await waitFor(async () => {
      const s = await sse('/v1/tenants/acme/stream?channel=tenant', headers);
      if (s.status === 200) return s;
      s.close();
      return undefined;
    }, { message: 'a free slot after close' });
    expect(again.status).toBe(200);
    streams.forEach((s) => s.close());
    again.close();
  });
});

describe('source checks', () => {
  it('asks ingest once for a burst of streams on one source; unknown sources are asked every time', async () => {
    const cached = await startStreamGateway(bus, { GATEWAY_SOURCE_CHECK_TTL_MS: 60_000 });
    try {
      const before = (source: string) => bus.sourceLookups.get(source) ?? 0;
      const [users, ghost] = [before('users'), before('ghost')];
      // A reconnect storm: many streams on one source at once, then more a moment later.
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => sse('/v1/tenants/acme/sources/users/events', principalHeader({ cred: `storm-${i}` }), cached.base)));
      await Promise.all(burst.map((s) => s.waitFor((e) => e.event === 'ready')));
      const later = await sse('/v1/tenants/acme/sources/users/events', principalHeader({ cred: 'storm-late' }), cached.base);
      await later.waitFor((e) => e.event === 'ready');
      expect(bus.sourceLookups.get('users')! - users).toBe(1);
      // A refusal is never remembered: a source created meanwhile would be found at once.
      for (let i = 0; i < 3; i++) {
        const refused = await fetch(`${cached.base}/v1/tenants/acme/sources/ghost/events`, { headers: principalHeader() });
        expect(refused.status).toBe(404);
      }
      expect(bus.sourceLookups.get('ghost')! - ghost).toBe(3);
      [...burst, later].forEach((s) => s.close());
    } finally {
      await cached.close();
    }
  });
});

describe('resume and reset', () => {
  const resetOf = async (stream: SseConnection) => JSON.parse((await stream.waitFor((e) => e.event === 'reset')).data) as { reason: string; position: string };

  it('a malformed Last-Event-ID opens the stream with a reset, never a 500, then goes on live', async () => {
    const epoch = await bus.epoch();
    for (const bad of ['garbage', '17', `${epoch}:`, 'x'.repeat(300)]) {
      const stream = await sse('/v1/tenants/acme/sources/orders/events', { ...principalHeader(), 'last-event-id': bad });
      expect(stream.status, bad).toBe(200);
      const reset = await resetOf(stream);
      expect(reset.reason).toBe('malformed_last_event_id');
      expect(reset.position).toBe(`${epoch}:${gw.hub.position().seq}`);
      // The reset carries the position as its id: a reconnect resumes from there.
      expect(stream.events.find((e) => e.event === 'reset')?.id).toBe(reset.position);
      const live = await bus.publish(contentEvent({ source: 'orders' }));
      await stream.waitFor((e) => e.id === `${epoch}:${live}`);
      stream.close();
    }
    expect(await gw.metric('freshet_gateway_stream_resets_total', { reason: 'malformed_last_event_id' })).toBeGreaterThanOrEqual(4);
  });

  it('resets on another epoch and on a position the stream never reached', async () => {
    const epoch = await bus.epoch();
    const other = await sse('/v1/tenants/acme/stream?channel=tenant&lastEventId=otherEpoch1:3');
    expect((await resetOf(other)).reason).toBe('epoch_changed');
    const ahead = await sse('/v1/tenants/acme/stream?channel=tenant', { ...principalHeader(), 'last-event-id': `${epoch}:${gw.hub.position().seq + 1000}` });
    expect((await resetOf(ahead)).reason).toBe('ahead_of_stream');
    other.close();
    ahead.close();
  });

  it('resets a replay longer than GATEWAY_REPLAY_MAX_EVENTS or older than GATEWAY_REPLAY_MAX_AGE_MS', async () => {
    const limited = await startStreamGateway(bus, { GATEWAY_REPLAY_MAX_EVENTS: 5, GATEWAY_REPLAY_MAX_AGE_MS: 1_500 });
    try {
      const epoch = await bus.epoch();
      const before = gw.hub.position().seq;
      for (let i = 0; i < 8; i++) await bus.publish(contentEvent({ source: 'orders' }));
      await waitFor(() => limited.hub.position().seq >= before + 8);
      const tooFar = await sse(`/v1/tenants/acme/sources/orders/events?lastEventId=${epoch}:${before}`, principalHeader(), limited.base);
      expect((await resetOf(tooFar)).reason).toBe('replay_limit');
      const near = await sse(`/v1/tenants/acme/sources/orders/events?lastEventId=${epoch}:${before + 4}`, principalHeader(), limited.base);
      await near.waitFor((e) => e.id === `${epoch}:${before + 8}`);
      expect(dataEvents(near).map((e) => e.id)).toEqual([5, 6, 7, 8].map((n) => `${epoch}:${before + n}`));
      expect(near.events.some((e) => e.event === 'reset')).toBe(false);

      await sleep(1_700);
      const tooOld = await sse(`/v1/tenants/acme/sources/orders/events?lastEventId=${epoch}:${before + 6}`, principalHeader(), limited.base);
      const reset = await resetOf(tooOld);
      expect(reset.reason).toBe('replay_limit');
      // Nothing after the reset position is lost: live events follow it.
      const live = await bus.publish(contentEvent({ source: 'orders' }));
      await tooOld.waitFor((e) => e.id === `${epoch}:${live}`);
      expect(dataEvents(tooOld).map((e) => e.id)).toEqual([`${epoch}:${live}`]);
      [tooFar, near, tooOld].forEach((s) => s.close());
    } finally {
      await limited.close();
    }
  });

  it('resets when the stream no longer holds the events after the position', async () => {
    const own = await startStreamBus(testNames('gwh'));
    const gateway = await startStreamGateway(own);
    try {
      for (let i = 0; i < 10; i++) await own.publish(contentEvent({ source: 'orders' }));
      await (await jetstreamManager(own.nc)).streams.purge(own.names.eventsStream, { keep: 3 });
      const epoch = await own.epoch();
      const gone = await sse(`/v1/tenants/acme/sources/orders/events?lastEventId=${epoch}:2`, principalHeader(), gateway.base);
      expect(await resetOf(gone)).toEqual({ reason: 'history_gone', position: `${epoch}:10` });
      const fine = await sse(`/v1/tenants/acme/sources/orders/events?lastEventId=${epoch}:7`, principalHeader(), gateway.base);
      await fine.waitFor((e) => e.id === `${epoch}:10`);
      expect(dataEvents(fine).map((e) => e.id)).toEqual([`${epoch}:8`, `${epoch}:9`, `${epoch}:10`]);
      gone.close();
      fine.close();
    } finally {
      await gateway.close();
      await own.close();
    }
  });
});

describe('coalescing', () => {
  it('batches a window and keeps only the last update of each record', async () => {
    const stream = await sse('/v1/tenants/acme/sources/orders/events?coalesce=400');
    await stream.waitFor((e) => e.event === 'ready');
    const epoch = await bus.epoch();
    const c1 = await bus.publish(contentEvent({ type: 'content.created', key: 'r1', n: 1 }));
    await bus.publish(contentEvent({ type: 'content.updated', key: 'r1', n: 2 }));
    const u2 = await bus.publish(contentEvent({ type: 'content.updated', key: 'r2', n: 1 }));
    const u3 = await bus.publish(contentEvent({ type: 'content.updated', key: 'r1', n: 3 }));
    const d = await bus.publish(contentEvent({ type: 'content.deleted', key: 'r3', n: 1 }));
    await stream.waitFor((e) => e.id === `${epoch}:${d}`);
    expect(dataEvents(stream).map((e) => [e.id, e.event, keyOf(e)])).toEqual([
      [`${epoch}:${u2}`, 'content.updated', 'r2'],
      [`${epoch}:${u3}`, 'content.updated', 'r1'],
      [`${epoch}:${d}`, 'content.deleted', 'r3'],
    ]);
    expect((JSON.parse(dataEvents(stream)[1]!.data) as { data: { record: { n: number } } }).data.record.n).toBe(3);
    expect(c1).toBeLessThan(u2);
    expect(await gw.metric('freshet_gateway_events_coalesced_total', { tenant: 'acme' })).toBe(2);
    stream.close();
  });
});

describe('lifetime', () => {
  it('ends the stream with auth-expired when the credential expires', async () => {
    const stream = await sse('/v1/tenants/acme/stream?channel=tenant', principalHeader({ cred: 'short', exp: Date.now() + 600 }));
    await stream.waitFor((e) => e.event === 'ready');
    const expired = await stream.waitFor((e) => e.event === 'auth-expired', { timeoutMs: 5_000 });
    expect(JSON.parse(expired.data)).toMatchObject({ reason: 'credential_expired' });
    await stream.closed;
  });

  it('signals demand per source channel while the stream is open, and releases it on close', async () => {
    watches.length = 0;
    const stream = await sse('/v1/tenants/acme/stream?channel=source:orders&channel=source:users&channel=tenant');
    await stream.waitFor((e) => e.event === 'ready');
    expect(watches).toEqual(['+acme/orders', '+acme/users']);
    stream.close();
    await waitFor(() => watches.length === 4, { message: 'released watches' });
    expect(watches.slice(2).sort()).toEqual(['-acme/orders', '-acme/users']);
  });
});
