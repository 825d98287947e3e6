// The streaming core on a real Fastify server against the real NATS, for this folder's
// integration tests: the test's own streams, a stand-in ingest answering get-source on
// the bus, and a plain authenticate function reading the principal from a test header
// (`x-test-principal: tenant=acme;scopes=sources:read,admin:read;cred=c1;exp=<epoch ms>`).
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { busTopology, ensureStreams, publishEvent, readStreamBounds, respondJson } from '@freshet/bus';
import { RPC, getSourceRequestSchema, rpcSubject, type FreshetEvent } from '@freshet/contracts';
import { HttpProblem, createServiceMetrics, registerErrorHandler, type ServiceMetrics } from '@freshet/telemetry';
import { TEST_NATS_URL, deleteStreams, type TestNames } from '@freshet/testkit';
import { scopeSchema, type Principal } from '../../auth/principal';
import { startFanoutHub, type FanoutHub } from '../fanout-hub';
import { streamConfigSchema, type StreamConfig } from '../stream-config';
import { streamRoutes, type StreamRoutesOptions } from '../stream.routes';

export const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

/** Sources the stand-in ingest knows, in every tenant. */
export const KNOWN_SOURCES = ['orders', 'other', 'users'];

export function principalHeader(p: { tenant?: string; scopes?: string[]; cred?: string; exp?: number } = {}): Record<string, string> {
  const fields = [`tenant=${p.tenant ?? 'acme'}`, `scopes=${(p.scopes ?? ['sources:read', 'admin:read']).join(',')}`, `cred=${p.cred ?? 'c1'}`];
  if (p.exp !== undefined) fields.push(`exp=${p.exp}`);
  return { 'x-test-principal': fields.join(';') };
}

/** A plain function, like the real one: a principal from the request, or 401. */
export async function testAuthenticate(request: FastifyRequest): Promise<Principal> {
  const header = request.headers['x-test-principal'];
  if (typeof header !== 'string') throw new HttpProblem(401, 'UNAUTHENTICATED', 'no credential');
  const fields = Object.fromEntries(header.split(';').map((kv) => kv.split('=') as [string, string]));
  return {
    subject: `user-${fields['cred']}`,
    tenant: fields['tenant'] ?? '',
    scopes: new Set((fields['scopes'] ?? '').split(',').filter(Boolean).map((s) => scopeSchema.parse(s))),
    kind: 'jwt',
    credentialId: fields['cred'] ?? 'none',
    ...(fields['exp'] ? { expiresAt: Number(fields['exp']) } : {}),
  };
}

export interface StreamBus {
  nc: NatsConnection;
  js: JetStreamClient;
  names: TestNames;
  publish(event: FreshetEvent): Promise<number>;
  epoch(): Promise<string>;
  /** get-source requests the stand-in ingest answered, per source. */
  sourceLookups: Map<string, number>;
  close(): Promise<void>;
}

/** Connects, provisions the test's streams and answers ingest's get-source. */
export async function startStreamBus(names: TestNames): Promise<StreamBus> {
  const nc = await connect({ servers: TEST_NATS_URL, name: `gateway-stream-test-${names.id}` });
  await ensureStreams(nc, busTopology({ prefix: names.subjectPrefix, eventsStream: names.eventsStream, commandsStream: names.commandsStream, eventsMaxAgeMs: 3_600_000 }), logger);
  const js = jetstream(nc);
  const sourceLookups = new Map<string, number>();
  const ingest: Subscription = respondJson(
    nc,
    rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource),
    getSourceRequestSchema,
    logger,
    async ({ tenant, source }) => {
      sourceLookups.set(source, (sourceLookups.get(source) ?? 0) + 1);
      return KNOWN_SOURCES.includes(source)
        ? { ok: true, source: { tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, lastSyncedAt: null, recordCount: 0 } }
        : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } };
    },
    'ingest',
  );
  return {
    nc,
    js,
    names,
    sourceLookups,
    publish: async (event) => (await publishEvent(js, names.subjectPrefix, event)).seq,
    epoch: async () => (await readStreamBounds(nc, names.eventsStream)).epoch,
    async close() {
      ingest.unsubscribe();
      await nc.close();
      await deleteStreams([names.eventsStream, names.commandsStream]);
    },
  };
}

export interface StreamTestGateway {
  base: string;
  app: FastifyInstance;
  hub: FanoutHub;
  metrics: ServiceMetrics;
  /** Sum of a metric's points whose attributes include `attributes`. */
  metric(name: string, attributes?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/**
 * A gateway (hub + routes) on the bus. Config overrides are applied after the schema's
 * defaults without its minimums, so a test can use a 200 ms heartbeat.
 */
export async function startStreamGateway(
  bus: StreamBus,
  overrides: Partial<StreamConfig> = {},
  extra: Partial<Pick<StreamRoutesOptions, 'onWatch' | 'sourceExists'>> & { epochCheckMs?: number } = {},
): Promise<StreamTestGateway> {
  const metrics = createServiceMetrics(`gateway-stream-test-${randomUUID().slice(0, 8)}`);
  const hub = await startFanoutHub({
    nc: bus.nc,
    prefix: bus.names.subjectPrefix,
    eventsStream: bus.names.eventsStream,
    logger,
    meter: metrics.meter,
    epochCheckMs: extra.epochCheckMs,
  });
  const app = Fastify({ logger: false });
  registerErrorHandler(app);
  await app.register(streamRoutes, {
    nc: bus.nc,
    subjectPrefix: bus.names.subjectPrefix,
    eventsStream: bus.names.eventsStream,
    hub,
    config: { ...streamConfigSchema.parse({}), GATEWAY_RPC_TIMEOUT_MS: 1_000, ...overrides },
    logger,
    meter: metrics.meter,
    authenticate: testAuthenticate,
    ...extra,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base,
    app,
    hub,
    metrics,
    async metric(name, attributes = {}) {
      const { resourceMetrics } = await metrics.exporter.collect();
      let total = 0;
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints as DataPoint<unknown>[]) {
            if (!Object.entries(attributes).every(([k, v]) => point.attributes[k] === v)) continue;
            const value = point.value;
            total += typeof value === 'number' ? value : ((value as { count?: number }).count ?? 0);
          }
        }
      }
      return total;
    },
    async close() {
      app.server.closeAllConnections();
      await app.close();
      await hub.stop();
      await metrics.shutdown();
    },
  };
}

let counter = 0;
/** A valid content event; `n` ends up in the record so tests can tell events apart. */
export function contentEvent(p: { tenant?: string; source?: string; type?: 'content.created' | 'content.updated' | 'content.deleted'; key?: string; n?: number; pad?: number } = {}): FreshetEvent {
  const n = p.n ?? ++counter;
  const key = p.key ?? `k${n}`;
  const base = { id: randomUUID(), tenant: p.tenant ?? 'acme', source: p.source ?? 'orders', time: new Date().toISOString() };
  const record = { id: key, n, ...(p.pad ? { pad: 'x'.repeat(p.pad) } : {}) };
  switch (p.type ?? 'content.created') {
    case 'content.created':
      return { ...base, type: 'content.created', data: { key, hash: `h${n}`, record, jobId: randomUUID() } };
    case 'content.updated':
      return { ...base, type: 'content.updated', data: { key, hash: `h${n}`, previousHash: `h${n - 1}`, record, jobId: randomUUID() } };
    case 'content.deleted':
      return { ...base, type: 'content.deleted', data: { key, previousHash: `h${n}`, jobId: randomUUID() } };
  }
}

export function jobStarted(p: { tenant?: string; source?: string } = {}): FreshetEvent {
  return { id: randomUUID(), tenant: p.tenant ?? 'acme', source: p.source ?? 'orders', time: new Date().toISOString(), type: 'job.started', data: { jobId: randomUUID(), attempt: 1, priority: 10 } };
}

export function metricsUpdated(tenant = 'acme'): FreshetEvent {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    tenant,
    source: '_tenant',
    time: now,
    type: 'metrics.updated',
    data: { window: { from: now, to: now }, hits: 1, misses: 0, servedFrom: { cache: 1, database: 0, upstream: 0 } },
  };
}
