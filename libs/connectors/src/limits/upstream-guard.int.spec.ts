// The guard against the real Redis. Each guard gets its own connection, standing in for
// one ingest replica; all share one key prefix unique to this run.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, testNames } from '@freshet/testkit';
import { UpstreamHttpError } from '../connector-errors';
import { PAUSES_METRIC, CIRCUIT_OPEN_METRIC, THROTTLE_WAITS_METRIC } from './limits.constants';
import { UpstreamCircuitOpenError, UpstreamGuardUnavailableError } from './upstream-guard-errors';
import { createUpstreamGuard, type UpstreamGuardOptions } from './upstream-guard';
import { upstreamKeys } from './upstream-keys';

const names = testNames('limits');
const logger = pino({ level: 'silent' });
const connections: Redis[] = [];

class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}
const reader = new TestMetricReader();
const meter = new MeterProvider({ readers: [reader] }).getMeter('test');

async function metricSum(name: string, attributes: Record<string, string>): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints as DataPoint<number>[]) {
        if (Object.entries(attributes).every(([k, v]) => point.attributes[k] === v)) total += point.value;
      }
    }
  }
  return total;
}

function replica(options: Partial<UpstreamGuardOptions> = {}) {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  connections.push(redis);
  return createUpstreamGuard({ redis, keyPrefix: names.redisKeyPrefix, logger, meter, ...options });
}

/** Most timestamps that fall in any window [t, t + windowMs). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let best = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    let j = i;
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + windowMs) j += 1;
    best = Math.max(best, j - i);
  }
  return best;
}

afterAll(async () => {
  const redis = connections[0] ?? new Redis(TEST_REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${names.redisKeyPrefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  expect((await redis.scan('0', 'MATCH', `${names.redisKeyPrefix}*`, 'COUNT', 10_000))[1]).toEqual([]);
  await Promise.all([...connections, redis].map((c) => c.quit().catch(() => undefined)));
});

describe('shared token bucket', () => {
  it('keeps two replicas together within rate + burst in any one-second window', async () => {
    const upstream = { id: 'shared-bucket', requestsPerSecond: 10, burst: 2 };
    const replicas = { a: replica(), b: replica() };
    const grants: Array<{ at: number; by: 'a' | 'b' }> = [];
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const by = i % 2 === 0 ? 'a' : 'b';
        return replicas[by].acquire(upstream).then(() => grants.push({ at: performance.now(), by }));
      }),
    );
    const times = grants.map((g) => g.at);
    // A token bucket admits at most burst + rate·T in any closed window of T. Local
    // timestamps jitter by a few ms around Redis's clock, far less than the 100 ms between
    // two tokens, so no extra slack is needed.
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(upstream.requestsPerSecond + upstream.burst);
    expect(maxInWindow(times, 2000)).toBeLessThanOrEqual(2 * upstream.requestsPerSecond + upstream.burst);
    // ...and it is not starved: 38 tokens after the burst take 3.8 s.
    const span = Math.max(...times) - startedAt;
    expect(span).toBeGreaterThan(3_800 - 150);
    expect(span).toBeLessThan(6_000);
    expect(grants.filter((g) => g.by === 'a').length).toBeGreaterThan(0);
    expect(grants.filter((g) => g.by === 'b').length).toBeGreaterThan(0);
  });

  it('does not let twice the rate through around a second boundary (as a fixed window would)', async () => {
    // A fixed one-second window (RateLimiterRedis's own script) lets 19 of these through
    // within ~100 ms: 9 at the end of the first window and 10 at the start of the next.
    const upstream = { id: 'boundary', requestsPerSecond: 10 };
    const [a, b] = [replica(), replica()];
    const times: number[] = [];
    await a.acquire(upstream);
    times.push(performance.now());
    await sleep(900);
    await Promise.all(Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? a : b).acquire(upstream).then(() => times.push(performance.now()))));
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(upstream.requestsPerSecond + 1);
  });

  it('lets a quiet upstream burst, then spaces calls evenly', async () => {
    const upstream = { id: 'burst', requestsPerSecond: 20, burst: 4 };
    const guard = replica();
    const startedAt = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await guard.acquire(upstream);
      times.push(performance.now() - startedAt);
    }
    expect(times[3]).toBeLessThan(40);
    expect(times[4]).toBeGreaterThan(50 - 10);
    expect(times[5] as number).toBeGreaterThan((times[4] as number) + 50 - 10);
  });

  it('limits each credential on its own, on top of the upstream', async () => {
    const id = 'per-credential';
    const limits = { id, requestsPerSecond: 100, burst: 10, credentialRequestsPerSecond: 5, credentialBurst: 1 };
    const [a, b] = [replica(), replica()];
    const startedAt = performance.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? a : b).acquire({ ...limits, credentialId: 'key-1' })));
    expect(performance.now() - startedAt).toBeGreaterThan(5 * 200 - 30);

    // key-1 is exhausted now; key-2 is not held back by it.
    const other = performance.now();
    await a.acquire({ ...limits, credentialId: 'key-2' });
    expect(performance.now() - other).toBeLessThan(100);
    expect(await metricSum(THROTTLE_WAITS_METRIC, { upstream: id, reason: 'credential_rate' })).toBeGreaterThan(0);
  });

  it('gives back the upstream token when the credential refuses', async () => {
    const id = 'refund';
    const limits = { id, requestsPerSecond: 1, burst: 5, credentialId: 'slow', credentialRequestsPerSecond: 0.1, credentialBurst: 1 };
    const guard = replica();
    const redis = connections[connections.length - 1] as Redis;
    const bucketKey = upstreamKeys(names.redisKeyPrefix).bucket(id);
    await guard.acquire(limits);
    const afterFirst = await redis.get(bucketKey);
    expect(afterFirst).not.toBeNull();

    const controller = new AbortController();
    const blocked = guard.acquire(limits, controller.signal);
    await sleep(50);
    controller.abort();
    await expect(blocked).rejects.toMatchObject({ name: 'AbortError' });
    expect(await redis.get(bucketKey)).toBe(afterFirst);
  });

  it('keeps a minimum gap between pages across replicas', async () => {
    const upstream = { id: 'page-gap', requestsPerSecond: 100, burst: 10, perPageDelayMs: 250 };
    const [a, b] = [replica(), replica()];
    const times: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => (i % 2 === 0 ? a : b).acquire(upstream).then(() => times.push(performance.now()))));
    times.sort((x, y) => x - y);
    for (let i = 1; i < times.length; i += 1) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(250 - 15);
  });
});

describe('shared pause', () => {
  it('makes another replica wait until the pause ends', async () => {
    const [a, b] = [replica(), replica()];
    const until = Date.now() + 800;
    expect(await a.pause('paused', until, 'test')).toBe(until);
    expect(await b.pausedUntil('paused')).toBe(until);

    await b.acquire({ id: 'paused', requestsPerSecond: 100 });
    expect(Date.now()).toBeGreaterThanOrEqual(until - 2);
    expect(await b.pausedUntil('paused')).toBeUndefined();
  });

  it('is never shortened by a shorter pause, from either replica', async () => {
    const [a, b] = [replica(), replica()];
    const long = Date.now() + 1_000;
    await a.pause('no-shorten', long, 'rate_limited');
    expect(await b.pause('no-shorten', Date.now() + 200, 'rate_limited')).toBe(long);
    expect(await a.pause('no-shorten', Date.now() + 300, 'rate_limited')).toBe(long);
    expect(await a.pausedUntil('no-shorten')).toBe(long);

    const startedAt = Date.now();
    await b.acquire({ id: 'no-shorten', requestsPerSecond: 100 });
    expect(Date.now()).toBeGreaterThanOrEqual(long - 2);
    expect(Date.now() - startedAt).toBeGreaterThan(600);
  });

  it('keeps the longest of many concurrent pauses', async () => {
    const [a, b] = [replica(), replica()];
    const base = Date.now() + 5_000;
    const ends = Array.from({ length: 20 }, (_, i) => base + ((i * 7919) % 20) * 100);
    await Promise.all(ends.map((end, i) => (i % 2 === 0 ? a : b).pause('concurrent', end, 'test')));
    expect(await a.pausedUntil('concurrent')).toBe(Math.max(...ends));
  });

  it('turns a 429 with Retry-After into a pause for everyone, and counts it', async () => {
    const [a, b] = [replica(), replica()];
    const before = Date.now();
    const decision = await a.observeResponse('observed', { status: 429, headers: new Headers({ 'retry-after': '2' }) });
    expect(decision?.reason).toBe('rate_limited');
    const until = await b.pausedUntil('observed');
    expect(until).toBeGreaterThanOrEqual(before + 2_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 2_000);
    expect(await metricSum(PAUSES_METRIC, { upstream: 'observed', reason: 'rate_limited' })).toBe(1);

    expect(await a.observeResponse('observed', { status: 200, headers: new Headers() })).toBeUndefined();
    const esi = new Headers({ 'x-esi-error-limit-remain': '3', 'x-esi-error-limit-reset': '30' });
    expect((await b.observeResponse('observed', { status: 404, headers: esi }))?.reason).toBe('esi_error_budget');
    expect(await a.pausedUntil('observed')).toBeGreaterThanOrEqual(before + 30_000);
  });

  it('ignores a pause that has already ended', async () => {
    const guard = replica();
    await guard.pause('past', Date.now() - 1_000, 'test');
    expect(await guard.pausedUntil('past')).toBeUndefined();
  });
});

describe('cancelling a wait', () => {
  it('rejects promptly when the signal aborts during a pause', async () => {
    const guard = replica();
    await guard.pause('abort-pause', Date.now() + 10_000, 'test');
    const controller = new AbortController();
    const startedAt = performance.now();
    const waiting = guard.acquire({ id: 'abort-pause', requestsPerSecond: 10 }, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - startedAt).toBeLessThan(400);
  });

  it('rejects promptly when the signal aborts during a rate wait', async () => {
    const guard = replica();
    const upstream = { id: 'abort-rate', requestsPerSecond: 0.2 };
    await guard.acquire(upstream);
    const startedAt = performance.now();
    const waiting = guard.acquire(upstream, AbortSignal.timeout(100));
    await expect(waiting).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - startedAt).toBeLessThan(400);
  });

  it('rejects at once with an already aborted signal', async () => {
    const guard = replica();
    await expect(guard.acquire({ id: 'abort-now', requestsPerSecond: 10 }, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('circuit breaker', () => {
  const down = () => Promise.reject(new UpstreamHttpError(503, 'http://upstream/x'));

  it('opens after n consecutive 5xx, fails fast, half-opens after the set time and closes after a success', async () => {
    const guard = replica({ circuit: { consecutiveFailures: 3, halfOpenAfterMs: 300 } });
    for (let i = 0; i < 3; i += 1) await expect(guard.execute('flaky', down)).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(guard.circuitState('flaky')).toBe('open');
    expect(await metricSum(CIRCUIT_OPEN_METRIC, { upstream: 'flaky' })).toBe(1);

    let called = false;
    const startedAt = performance.now();
    const error = await guard
      .execute('flaky', async () => {
        called = true;
      })
      .catch((e: unknown) => e);
    expect(performance.now() - startedAt).toBeLessThan(20);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(UpstreamCircuitOpenError);
    expect(error).toMatchObject({ code: 'UPSTREAM_CIRCUIT_OPEN', retryable: true, upstreamId: 'flaky' });
    expect((error as UpstreamCircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((error as UpstreamCircuitOpenError).retryAfterMs).toBeLessThanOrEqual(300);

    await sleep(320);
    await expect(guard.execute('flaky', () => Promise.resolve('back'))).resolves.toBe('back');
    expect(guard.circuitState('flaky')).toBe('closed');
    await expect(guard.execute('flaky', () => Promise.resolve('still'))).resolves.toBe('still');
  });

  it('does not open on 4xx', async () => {
    const guard = replica({ circuit: { consecutiveFailures: 2, halfOpenAfterMs: 300 } });
    for (let i = 0; i < 10; i += 1) {
      await expect(guard.execute('picky', () => Promise.reject(new UpstreamHttpError(404, 'http://upstream/x')))).rejects.toBeInstanceOf(
        UpstreamHttpError,
      );
    }
    expect(guard.circuitState('picky')).toBe('closed');
    await expect(guard.execute('picky', () => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('when Redis is unreachable', () => {
  it('fails with a retryable UpstreamGuardUnavailableError and sends nothing', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    const guard = createUpstreamGuard({ redis, keyPrefix: names.redisKeyPrefix, logger, meter });
    const error = await guard.acquire({ id: 'no-redis', requestsPerSecond: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamGuardUnavailableError);
    expect(error).toMatchObject({ code: 'UPSTREAM_GUARD_UNAVAILABLE', retryable: true });
    redis.disconnect();
  });
});
