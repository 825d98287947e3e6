// The promise of Last-Event-ID: a client that drops at any moment — mid-replay, mid-burst,
// between two events — and reconnects with its last id receives every event of its
// channels exactly once, in order. Several clients churn while 10,000 events are published.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { openSse, testNames, waitFor } from '@freshet/testkit';
import { contentEvent, principalHeader, startStreamBus, startStreamGateway, type StreamBus, type StreamTestGateway } from './testing/stream-test-gateway';

const EVENTS = 10_000;
const CLIENTS = 6;

let bus: StreamBus;
let gw: StreamTestGateway;

beforeAll(async () => {
  bus = await startStreamBus(testNames('gwr'));
  gw = await startStreamGateway(bus, { GATEWAY_MAX_STREAMS_PER_CREDENTIAL: 100 });
});

afterAll(async () => {
  await gw?.close();
  await bus?.close();
});

/** A small seeded generator, so a failure can be replayed with the seed it prints. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface ClientReport {
  received: number[];
  connections: number;
  viaHeader: number;
  viaQuery: number;
  resets: number;
}

async function churningClient(index: number, epoch: string, start: number, finalSeq: () => number | undefined, random: () => number): Promise<ClientReport> {
  // Even clients: the one-source form (replay reads the source's subjects). Odd ones: two
  // channels, one of them silent (replay reads the tenant's and filters in process).
  const path = index % 2 === 0 ? '/v1/tenants/acme/sources/orders/events' : '/v1/tenants/acme/stream?channel=source:orders&channel=source:other';
  const report: ClientReport = { received: [], connections: 0, viaHeader: 0, viaQuery: 0, resets: 0 };
  let last = `${epoch}:${start}`;
  const done = () => {
    const final = finalSeq();
    return final !== undefined && report.received.at(-1) === final;
  };
  while (!done()) {
    const viaHeader = random() < 0.5;
    const url = viaHeader ? `${gw.base}${path}` : `${gw.base}${path}${path.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(last)}`;
    const sse = await openSse(url, { headers: { ...principalHeader({ cred: `client-${index}` }), ...(viaHeader ? { 'last-event-id': last } : {}) } });
    expect(sse.status).toBe(200);
    report.connections += 1;
    if (viaHeader) report.viaHeader += 1;
    else report.viaQuery += 1;
    // Drop after a random number of events, or a random time, whichever comes first.
    const wanted = 1 + Math.floor(random() * 1_500);
    const maxMs = 5 + Math.floor(random() * 250);
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && sse.events.length < wanted) {
      await sleep(5);
      // Events arrive in order: the final one, once published, can only be the latest.
      const final = finalSeq();
      if (final !== undefined && sse.events.at(-1)?.id === `${epoch}:${final}`) break;
    }
    sse.close();
    await sse.closed;
    for (const event of sse.events) {
      if (event.event === 'reset') report.resets += 1;
      if (event.event === 'ready' || event.event === 'reset' || event.id === undefined) continue;
      expect(event.id.startsWith(`${epoch}:`)).toBe(true);
      report.received.push(Number(event.id.slice(epoch.length + 1)));
      last = event.id;
    }
  }
  return report;
}

describe('resume under churn', () => {
  it('gives every reconnecting client each event of its channel exactly once, in order', { timeout: 120_000 }, async () => {
    const seed = Number(process.env['STREAM_CHURN_SEED'] ?? Date.now() % 1_000_000);
    console.info(`stream churn seed ${seed} (STREAM_CHURN_SEED to replay)`);
    const random = prng(seed);
    const epoch = await bus.epoch();
    const start = gw.hub.position().seq;
    const expected: number[] = [];
    // Set once the last event is published; the clients read it while they churn.
    const final: { seq?: number } = {};

    const clients = Array.from({ length: CLIENTS }, (_, i) => churningClient(i, epoch, start, () => final.seq, prng(seed + i + 1)));

    // Published in parallel batches (the stream decides the order; the acks say it), with
    // other sources and another tenant mixed in so filtering is part of what is checked.
    const BATCH = 50;
    for (let n = 0; n < EVENTS; n += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, EVENTS - n) }, (_, i) => n + i);
      const acks = await Promise.all(
        batch.flatMap((i) => {
          const own = bus.publish(contentEvent({ source: 'orders', n: i, key: `k${i % 300}`, type: i % 3 === 0 ? 'content.created' : 'content.updated' })).then((seq) => ({ seq, mine: true }));
          if (i % 5 !== 0) return [own];
          const noise = bus.publish(contentEvent(random() < 0.5 ? { source: 'users', n: i } : { tenant: 'globex', source: 'orders', n: i })).then((seq) => ({ seq, mine: false }));
          return [own, noise];
        }),
      );
      for (const ack of acks) if (ack.mine) expected.push(ack.seq);
      if (random() < 0.2) await sleep(Math.floor(random() * 30));
    }
    expected.sort((a, b) => a - b);
    expect(expected).toHaveLength(EVENTS);
    final.seq = expected.at(-1);

    const reports = await Promise.all(clients);
    for (const [i, report] of reports.entries()) {
      expect(report.resets, `client ${i} resets`).toBe(0);
      // Compared as a whole: any gap, duplicate or reordering shows up here.
      expect(report.received.length, `client ${i} count`).toBe(expected.length);
      expect(report.received, `client ${i} sequence`).toEqual(expected);
      expect(report.connections, `client ${i} reconnected`).toBeGreaterThan(3);
    }
    const totals = reports.reduce((t, r) => ({ header: t.header + r.viaHeader, query: t.query + r.viaQuery }), { header: 0, query: 0 });
    expect(totals.header).toBeGreaterThan(0);
    expect(totals.query).toBeGreaterThan(0);
    console.info(`churn: ${reports.map((r) => r.connections).join(', ')} connections per client (header ${totals.header}, query ${totals.query})`);
    expect(await gw.metric('freshet_gateway_events_replayed_total', { tenant: 'acme' })).toBeGreaterThan(0);
    // Every connection unregistered from the hub when it closed.
    await waitFor(() => gw.hub.subscriberCount() === 0, { message: 'no subscriber left' });
    // ...and every replay deleted its consumer on the server.
    const jsm = await jetstreamManager(bus.nc);
    const replayConsumers = async () => (await jsm.consumers.list(bus.names.eventsStream).next()).map((c) => c.name).filter((n) => n.startsWith('gw_replay_'));
    await waitFor(async () => (await replayConsumers()).length === 0, { message: 'replay consumers deleted' }).catch(async (error: unknown) => {
      throw new Error(`replay consumers left: ${(await replayConsumers()).join(', ')}`, { cause: error });
    });
  });
});
