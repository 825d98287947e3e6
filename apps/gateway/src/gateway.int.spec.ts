// The whole gateway as it runs (startGateway: real JWT access, the fan-out hub, the demand
// publisher, REST and OpenAPI) against the real NATS, with stand-in ingest and scheduler
// answering on the bus. What each part does in depth is tested in its own folder; this
// checks they are wired together: a token streams its tenant's channels with positioned
// ids and resumes, tickets work once, foreign tenants are refused everywhere, refresh
// reaches the scheduler, an open stream is visible to the scheduler as demand.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { ensureStreams, publishEvent, respondJson, topologyFromConfig } from '@freshet/bus';
import {
  RPC,
  demandBucketName,
  demandKey,
  getSourceRequestSchema,
  parseStreamPosition,
  revalidateRequestSchema,
  rpcSubject,
  type FreshetEvent,
} from '@freshet/contracts';
import { deleteStreams, openSse, testNames, waitFor, TEST_NATS_URL } from '@freshet/testkit';
import { signTestToken, TEST_JWT_SECRET } from './auth/testing/test-tokens';
import { loadGatewayConfig } from './config';
import { startGateway, type RunningGateway } from './service';

const names = testNames('gw');
const logger = pino({ level: 'silent' });
const config = loadGatewayConfig({
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  NATS_URL: TEST_NATS_URL,
  FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
  FRESHET_EVENTS_STREAM: names.eventsStream,
  FRESHET_COMMANDS_STREAM: names.commandsStream,
  GATEWAY_RPC_TIMEOUT_MS: '500',
  GATEWAY_JWT_SECRET: TEST_JWT_SECRET,
  GATEWAY_INSTANCE_ID: `gw-${names.id}`.slice(0, 64),
});
let nc: NatsConnection;
let gateway: RunningGateway;
let base: string;
const standIns: Subscription[] = [];
const revalidations: unknown[] = [];
const jobId = randomUUID();

const token = (tenant: string, scope = 'sources:read sources:refresh') => signTestToken({ claims: { tenant, scope } });
const auth = async (tenant = 'acme', scope?: string) => ({ authorization: `Bearer ${await token(tenant, scope)}` });
const event = (tenant: string, source: string, key: string): FreshetEvent =>
  ({
    id: randomUUID(),
    type: 'content.created',
    tenant,
    source,
    time: new Date().toISOString(),
    data: { key, hash: 'h', record: { id: key }, jobId: randomUUID() },
  }) as FreshetEvent;
const dataEvents = (events: Array<{ event: string; id?: string }>) => events.filter((e) => e.event.startsWith('content.'));

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  await ensureStreams(nc, topologyFromConfig(config), logger);
  standIns.push(
    respondJson(nc, rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource), getSourceRequestSchema, logger, async ({ tenant, source }) =>
      ['orders', 'other'].includes(source)
        ? { ok: true, source: { tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, lastSyncedAt: null, recordCount: 0 } }
        : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } },
    'ingest'),
    respondJson(nc, rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate), revalidateRequestSchema, logger, async (request) => {
      revalidations.push(request);
      return { ok: true, jobId, joined: false, priority: request.priority, status: 'queued' };
    }, 'scheduler'),
  );
  gateway = await startGateway(config, logger);
  base = gateway.url;
});

afterAll(async () => {
  await gateway?.stop();
  standIns.forEach((s) => s.unsubscribe());
  await nc?.close();
  await deleteStreams([names.eventsStream, names.commandsStream]);
});

describe('the gateway, wired', () => {
  it("streams a tenant's channels to a bearer token with <epoch>:<seq> ids, never another tenant's, and resumes", async () => {
    const headers = await auth();
    const sse = await openSse(`${base}/v1/tenants/acme/stream?channel=source:orders`, { headers });
    expect(sse.status).toBe(200);
    await sse.waitFor((e) => e.event === 'ready');
    const js = jetstream(nc);
    const acks: Array<{ seq: number }> = [];
    for (const [tenant, source, key] of [['acme', 'orders', '1'], ['beta', 'orders', 'x'], ['acme', 'other', 'y'], ['acme', 'orders', '2']] as const) {
      acks.push(await publishEvent(js, names.subjectPrefix, event(tenant, source, key)));
    }
    await sse.waitFor((e) => e.event === 'content.created' && e.id?.endsWith(`:${acks[3]?.seq}`) === true);
    const received = dataEvents(sse.events);
    expect(received.map((e) => parseStreamPosition(e.id ?? '')?.seq)).toEqual([acks[0]?.seq, acks[3]?.seq]);
    const first = received[0]?.id ?? '';
    sse.close();

    const resumed = await openSse(`${base}/v1/tenants/acme/stream?channel=source:orders`, { headers: { ...headers, 'last-event-id': first } });
    await resumed.waitFor((e) => e.event === 'content.created');
    expect(dataEvents(resumed.events).map((e) => e.id)).toEqual([received[1]?.id]);
    resumed.close();
  });

  it('refuses no credential (401), a foreign tenant (403) on streams and REST, and unknown sources (404)', async () => {
    expect((await fetch(`${base}/v1/tenants/acme/stream?channel=tenant`)).status).toBe(401);
    const beta = await auth('beta');
    for (const path of ['/v1/tenants/acme/stream?channel=tenant', '/v1/tenants/acme/sources/orders/snapshot', '/v1/tenants/acme/sources', '/v1/tenants/acme/sources/orders/history']) {
      const res = await fetch(`${base}${path}`, { headers: beta });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: string }).error, path).toBe('FOREIGN_TENANT');
    }
    expect((await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST', headers: beta })).status).toBe(403);
    expect((await fetch(`${base}/v1/tenants/acme/stream?channel=source:ghost`, { headers: await auth() })).status).toBe(404);
  });

  it('opens a stream with a single-use ticket, never twice', async () => {
    const issued = await fetch(`${base}/v1/stream-tickets`, { method: 'POST', headers: await auth() });
    expect(issued.status).toBe(201);
    const { ticket } = (await issued.json()) as { ticket: string };
    const sse = await openSse(`${base}/v1/tenants/acme/stream?channel=source:orders&ticket=${ticket}`);
    expect(sse.status).toBe(200);
    await sse.waitFor((e) => e.event === 'ready');
    sse.close();
    expect((await fetch(`${base}/v1/tenants/acme/stream?channel=source:orders&ticket=${ticket}`)).status).toBe(401);
  });

  it('asks the scheduler for a refresh (202 with the job id)', async () => {
    const res = await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST', headers: await auth() });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ jobId, joined: false, priority: 10 });
    expect(revalidations.at(-1)).toMatchObject({ tenant: 'acme', source: 'orders', priority: 10 });
  });

  it('tells the scheduler a source is watched while a stream is open on it', async () => {
    // This gateway's key for acme/other: present (a put) while watched.
    const key = demandKey({ tenant: 'acme', source: 'other', instanceId: config.GATEWAY_INSTANCE_ID });
    const watched = async () => {
      try {
        const entry = await (await new Kvm(nc).open(demandBucketName(names.subjectPrefix))).get(key);
        return entry?.operation === 'PUT';
      } catch (error) {
        if ((error as { code?: number }).code === 10059) return false; // no bucket yet: nothing watched
        throw error;
      }
    };
    expect(await watched()).toBe(false);
    const sse = await openSse(`${base}/v1/tenants/acme/stream?channel=source:other`, { headers: await auth() });
    await sse.waitFor((e) => e.event === 'ready');
    await waitFor(watched, { message: 'demand key for acme/other' });
    sse.close();
    await waitFor(async () => !(await watched()), { message: 'demand key withdrawn' });
  });

  it('documents its API at /docs', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/tenants/{tenant}/sources/{source}/snapshot', '/v1/tenants/{tenant}/overview']));
  });
});
