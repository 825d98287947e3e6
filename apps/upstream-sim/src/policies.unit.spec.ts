import { describe, expect, it } from 'vitest';
import { cacheHeaderValues } from './cache-policy';
import { DatasetPolicies, effectiveLimits } from './dataset-policies';
import { ErrorBudget } from './error-budget';
import { TokenBucket } from './token-bucket';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');

describe('TokenBucket', () => {
  it('admits a burst, then one request per refill interval, saying how long to wait', () => {
    const bucket = new TokenBucket({ requestsPerSecond: 2, burst: 3 }, T0);
    expect([bucket.take(T0), bucket.take(T0), bucket.take(T0)].every((r) => r.ok)).toBe(true);
    expect(bucket.take(T0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(bucket.take(T0 + 499)).toMatchObject({ ok: false });
    expect(bucket.take(T0 + 500)).toEqual({ ok: true });
    expect(bucket.available(T0 + 10_000)).toBe(3);
  });

  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const bucket = new TokenBucket({ requestsPerSecond: 0.2, burst: 1 }, T0);
    expect(bucket.take(T0).ok).toBe(true);
    expect(bucket.take(T0)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(bucket.take(T0 + 1_000)).toEqual({ ok: false, retryAfterSeconds: 4 });
    expect(bucket.take(T0 + 5_000).ok).toBe(true);
  });
});

describe('ErrorBudget', () => {
  it('counts down per error and resets at the aligned window end', () => {
    const budget = new ErrorBudget({ errorLimit: 2, errorWindowSeconds: 60 });
    expect(budget.status(T0)).toEqual({ remain: 2, resetSeconds: 60 });
    budget.spend(T0 + 10_000);
    expect(budget.status(T0 + 10_000)).toEqual({ remain: 1, resetSeconds: 50 });
    budget.spend(T0 + 10_500);
    budget.spend(T0 + 10_500);
    expect(budget.exhausted(T0 + 59_999)).toBe(true);
    expect(budget.status(T0 + 59_999)).toEqual({ remain: 0, resetSeconds: 1 });
    expect(budget.status(T0 + 60_000)).toEqual({ remain: 2, resetSeconds: 60 });
  });

  it('keeps the current window if the clock goes back', () => {
    const budget = new ErrorBudget({ errorLimit: 5, errorWindowSeconds: 60 });
    budget.spend(T0 + 30_000);
    expect(budget.status(T0 - 30_000)).toEqual({ remain: 4, resetSeconds: 60 });
  });
});

describe('cacheHeaderValues', () => {
  it('expires max-age after now by default', () => {
    expect(cacheHeaderValues({ maxAgeSeconds: 30, aligned: false }, T0 + 400)).toEqual({
      cacheControl: 'max-age=30',
      expires: 'Sun, 01 Jun 2025 12:00:30 GMT',
    });
    expect(cacheHeaderValues({ maxAgeSeconds: 0, aligned: true }, T0).cacheControl).toBe('max-age=0');
  });

  it('aligns every answer to the same expiry instant when asked (ESI style)', () => {
    const at = (ms: number) => cacheHeaderValues({ maxAgeSeconds: 300, aligned: true }, ms);
    expect(at(T0 + 60_000)).toEqual({ cacheControl: 'max-age=240', expires: 'Sun, 01 Jun 2025 12:05:00 GMT' });
    expect(at(T0 + 299_500)).toEqual({ cacheControl: 'max-age=1', expires: 'Sun, 01 Jun 2025 12:05:00 GMT' });
    expect(at(T0)).toEqual({ cacheControl: 'max-age=300', expires: 'Sun, 01 Jun 2025 12:05:00 GMT' });
  });
});

describe('DatasetPolicies', () => {
  const defaults = { errorLimit: 3, errorWindowSeconds: 60, cache: { maxAgeSeconds: 0, aligned: false } };

  it('fills limits from the defaults; burst defaults to the rate, at least 1', () => {
    expect(effectiveLimits({}, defaults)).toEqual({ requestsPerSecond: null, burst: null, errorLimit: 3, errorWindowSeconds: 60 });
    expect(effectiveLimits({ requestsPerSecond: 2.5 }, defaults)).toMatchObject({ requestsPerSecond: 2.5, burst: 3 });
    expect(effectiveLimits({ requestsPerSecond: 0.1 }, defaults)).toMatchObject({ burst: 1 });
    expect(effectiveLimits({ requestsPerSecond: 1, burst: 9, errorLimit: 7 }, defaults)).toMatchObject({ burst: 9, errorLimit: 7 });
  });

  it('refuses with errorLimited before rateLimited, and restarts both when limits change', () => {
    const policies = new DatasetPolicies(defaults);
    policies.setLimits('demo', { requestsPerSecond: 1, errorLimit: 2 }, T0);
    expect(policies.admit('demo', T0)).toEqual({ kind: 'admitted' });
    expect(policies.admit('demo', T0)).toEqual({ kind: 'rateLimited', retryAfterSeconds: 1 });
    expect(policies.recordAnswer('demo', 429, T0)).toEqual({ remain: 1, resetSeconds: 60 });
    expect(policies.recordAnswer('demo', 304, T0)).toEqual({ remain: 1, resetSeconds: 60 });
    policies.recordAnswer('demo', 500, T0);
    expect(policies.admit('demo', T0 + 5_000)).toEqual({ kind: 'errorLimited' });
    expect(policies.admit('demo', T0 + 60_000)).toEqual({ kind: 'admitted' });
    policies.recordAnswer('demo', 404, T0 + 60_000);
    policies.clearLimits('demo', T0 + 60_000);
    expect(policies.view('demo', T0 + 60_000)).toMatchObject({
      limits: { requestsPerSecond: null, errorLimit: 3 },
      errorBudget: { remain: 3 },
      rateLimitTokens: null,
    });
  });

  it('counts one-shot faults down, keeps page faults, and forgets a deleted dataset', () => {
    const policies = new DatasetPolicies(defaults);
    policies.setFaults('demo', { failNext: { count: 2, status: 503 }, malformedPages: [2] }, T0);
    expect(policies.takeRequestFault('demo', T0)).toEqual({ kind: 'fail', status: 503 });
    expect(policies.faults('demo')).toEqual({ failNext: { count: 1, status: 503 }, malformedPages: [2] });
    expect(policies.takeRequestFault('demo', T0)).toEqual({ kind: 'fail', status: 503 });
    expect(policies.takeRequestFault('demo', T0)).toBeUndefined();
    expect(policies.faults('demo')).toEqual({ malformedPages: [2] });
    policies.setCache('demo', { maxAgeSeconds: 60, aligned: true }, T0);
    expect(policies.cache('demo')).toEqual({ maxAgeSeconds: 60, aligned: true });
    policies.forget('demo');
    expect(policies.faults('demo')).toEqual({});
    expect(policies.cache('demo')).toEqual(defaults.cache);
  });
});
