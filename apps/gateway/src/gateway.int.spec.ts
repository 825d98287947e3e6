// The gateway against the real NATS, with stand-in ingest and scheduler answering on the
// bus: the SSE route relays exactly its channel's events with stream sequences as ids,
// resumes after Last-Event-ID, and the refresh route maps the scheduler's answers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { ensureStreams, publishEvent, respondJson, topologyFromConfig } from '@freshet/bus';
import { RPC, getSourceRequestSchema, revalidateRequestSchema, rpcSubject, type FreshetEvent } from '@freshet/contracts';
import { createServiceMetrics } from '@freshet/telemetry';
import { deleteStreams, openSse, testNames, TEST_NATS_URL } from '@freshet/testkit';
import { buildGatewayApp } from './app';
import { loadGatewayConfig } from './config';

const names = testNames('gw');
const logger = pino({ level: 'silent' });
const config = loadGatewayConfig({
  NATS_URL: TEST_NATS_URL,
  FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
  FRESHET_EVENTS_STREAM: names.eventsStream,
  FRESHET_COMMANDS_STREAM: names.commandsStream,
  GATEWAY_RPC_TIMEOUT_MS: '500',
});
let nc: NatsConnection;
let app: FastifyInstance;
let base: string;
const standIns: Subscription[] = [];
const revalidations: unknown[] = [];

const event = (source: string, key: string): FreshetEvent =>
  ({
    id: randomUUID(),
    type: 'content.created',
    tenant: 'acme',
    source,
    time: new Date().toISOString(),
    data: { key, hash: 'h', record: { id: key }, jobId: randomUUID() },
  }) as FreshetEvent;

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  await ensureStreams(nc, topologyFromConfig(config), logger);
  standIns.push(
    respondJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource), getSourceRequestSchema, logger, async ({ tenant, source }) =>
      source === 'orders' || source === 'other'
        ? { ok: true, source: { tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, lastSyncedAt: null, recordCount: 0 } }
        : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } },
    'ingest'),
  );
  app = await buildGatewayApp({ config, nc, logger, metrics: createServiceMetrics('gateway-test') });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  app?.server.closeAllConnections();
  await app?.close();
  standIns.forEach((s) => s.unsubscribe());
  await nc?.close();
  await deleteStreams([names.eventsStream, names.commandsStream]);
});

describe('SSE stream', () => {
  it("relays only its channel's events, with stream sequences as ids, and resumes after Last-Event-ID", async () => {
    const sse = await openSse(`${base}/v1/tenants/acme/sources/orders/events`);
    await sse.waitFor((e) => e.event === 'ready');
    const js = jetstream(nc);
    const acks: Array<{ seq: number }> = [];
    for (const [source, key] of [['orders', '1'], ['other', 'x'], ['orders', '2'], ['orders', '3']] as const) acks.push(await publishEvent(js, names.subjectPrefix, event(source, key)));
    await sse.waitFor((e) => e.id === String(acks[3]!.seq));
    const received = sse.events.filter((e) => e.id !== undefined);
    expect(received.map((e) => [e.id, e.event, (JSON.parse(e.data) as { data: { key: string } }).data.key])).toEqual([
      [String(acks[0]!.seq), 'content.created', '1'],
      [String(acks[2]!.seq), 'content.created', '2'],
      [String(acks[3]!.seq), 'content.created', '3'],
    ]);
    sse.close();

    const resumed = await openSse(`${base}/v1/tenants/acme/sources/orders/events?lastEventId=${acks[0]!.seq}`);
    await resumed.waitFor((e) => e.id === String(acks[3]!.seq));
    expect(resumed.events.filter((e) => e.id !== undefined).map((e) => e.id)).toEqual([String(acks[2]!.seq), String(acks[3]!.seq)]);
    resumed.close();
  });

  it('refuses unknown sources, bad channels and bad positions before streaming', async () => {
    expect((await fetch(`${base}/v1/tenants/acme/sources/ghost/events`)).status).toBe(404);
    expect((await fetch(`${base}/v1/tenants/a%20b/sources/orders/events`)).status).toBe(400);
    expect((await fetch(`${base}/v1/tenants/acme/sources/orders/events`, { headers: { 'last-event-id': '-1' } })).status).toBe(400);
  });
});

describe('refresh', () => {
  it('answers 503 while no scheduler answers, then relays the scheduler’s decision', async () => {
    const noScheduler = await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST' });
    expect(noScheduler.status).toBe(503);
    expect(((await noScheduler.json()) as { error: string }).error).toBe('SCHEDULER_UNAVAILABLE');

    const jobId = randomUUID();
    standIns.push(
      respondJson(nc, rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate), revalidateRequestSchema, logger, async (request) => {
        revalidations.push(request);
        return request.source === 'orders'
          ? { ok: true, jobId, joined: false, priority: request.priority, status: 'queued' }
          : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${request.tenant}/${request.source} does not exist` } };
      }, 'scheduler'),
    );
    const accepted = await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"priority":5}' });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ jobId, joined: false, priority: 5, status: 'queued' });
    expect(revalidations.at(-1)).toMatchObject({ tenant: 'acme', source: 'orders', priority: 5 });
    expect((await fetch(`${base}/v1/tenants/acme/sources/ghost/refresh`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"priority":"high"}' })).status).toBe(400);
  });
});
