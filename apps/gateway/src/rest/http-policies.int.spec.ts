// The HTTP policies on a gateway app over real HTTP and NATS (a stand-in scheduler): the
// rate limit per credential or IP (429 RATE_LIMITED, never on health and metrics, counted
// before authentication), the body limit (413 BODY_TOO_LARGE), malformed JSON (400) and
// CORS for the configured origins only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { RPC, rpcSubject } from '@freshet/contracts';
import { testNames, TEST_NATS_URL } from '@freshet/testkit';
import { bearer, buildRestTestApp, standIn } from './testing/rest-test-app';

const names = testNames('gwpolicy');
const LIMIT = 5;
let nc: NatsConnection;
let app: FastifyInstance;
let sameOrigin: FastifyInstance;
let base: string;
let scheduler: Subscription;
const jobId = randomUUID();

const ACME = bearer('acme', 'sources:read', 'sources:refresh');
const refresh = (init: RequestInit & { headers?: Record<string, string> } = {}) =>
  fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST', ...init, headers: { ...ACME, ...init.headers } });

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  scheduler = standIn(nc, rpcSubject(names.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate), ({ priority }) => ({ ok: true, jobId, joined: false, priority, status: 'queued' }));
  app = await buildRestTestApp({
    nc,
    subjectPrefix: names.subjectPrefix,
    eventsStream: names.eventsStream,
    policies: { GATEWAY_RATE_LIMIT_PER_MIN: LIMIT, GATEWAY_BODY_LIMIT_BYTES: 1_024, GATEWAY_CORS_ORIGINS: ['https://app.example.com'] },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  sameOrigin = await buildRestTestApp({ nc, subjectPrefix: names.subjectPrefix, eventsStream: names.eventsStream });
});

afterAll(async () => {
  await app?.close();
  await sameOrigin?.close();
  scheduler?.unsubscribe();
  await nc?.close();
});

describe('body limit and parsing', () => {
  it('refuses a body over the limit with 413 BODY_TOO_LARGE, and malformed JSON with 400', async () => {
    const big = await refresh({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ priority: 5, mode: 'incremental', padding: 'x'.repeat(2_000) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'BODY_TOO_LARGE', message: 'the request body is larger than 1024 bytes' });

    const malformed = await refresh({ headers: { 'content-type': 'application/json' }, body: '{"priority": 5' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'MALFORMED_JSON' });

    const empty = await refresh({ headers: { 'content-type': 'application/json' }, body: '' });
    expect([empty.status, ((await empty.json()) as { error: string }).error]).toEqual([400, 'MALFORMED_JSON']);

    const ok = await refresh({ headers: { 'content-type': 'application/json' }, body: '{"priority":5}' });
    expect(ok.status).toBe(202);
  });

  it('authenticates before reading a body: an anonymous oversized request gets 401', async () => {
    const res = await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5_000) });
    expect(res.status).toBe(401);
  });
});

describe('rate limit', () => {
  it('answers 429 RATE_LIMITED with Retry-After past the limit, per credential, and never on /healthz, /readyz, /metrics', async () => {
    const token = bearer('initech', 'sources:read');
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i += 1) statuses.push((await fetch(`${base}/v1/tenants/initech/sources/orders/snapshot?limit=0`, { headers: token })).status);
    // Counted whatever the answer (here 400s): a flood of bad requests is limited too.
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(400), 429, 429]);
    const limited = await fetch(`${base}/v1/tenants/initech/sources`, { headers: token });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ error: 'RATE_LIMITED', message: expect.stringMatching(/^too many requests: at most 5 a minute; retry in /) });

    // Another credential has its own budget.
    expect((await fetch(`${base}/v1/tenants/umbrella/sources/orders/snapshot?limit=0`, { headers: bearer('umbrella', 'sources:read') })).status).toBe(400);

    for (let i = 0; i < LIMIT * 3; i += 1) {
      for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${base}${path}`)).status, path).toBe(200);
    }
  });

  it('counts requests without a credential by client IP, before authentication', async () => {
    // This IP's anonymous budget is already partly spent by the tests above.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1 && statuses.at(-1) !== 429; i += 1) statuses.push((await fetch(`${base}/v1/tenants/acme/overview`)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
    // A credential from the same IP is counted apart.
    expect((await fetch(`${base}/v1/tenants/hooli/sources/orders/snapshot?limit=0`, { headers: bearer('hooli', 'sources:read') })).status).toBe(400);
  });
});

describe('CORS', () => {
  it('allows the configured origins with credentials, and no other', async () => {
    const preflight = await fetch(`${base}/v1/tenants/acme/sources/orders/refresh`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');

    const allowed = await sameOriginFetch(app, 'https://app.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await sameOriginFetch(app, 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers at all when no origin is configured', async () => {
    const res = await sameOriginFetch(sameOrigin, 'https://app.example.com');
    expect(res.statusCode).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await sameOrigin.inject({ method: 'OPTIONS', url: '/v1/tenants/acme/sources', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

function sameOriginFetch(instance: FastifyInstance, origin: string) {
  return instance.inject({ method: 'GET', url: '/v1/tenants/acme/sources', headers: { origin } });
}
