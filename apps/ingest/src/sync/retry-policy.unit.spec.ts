import { describe, expect, it } from 'vitest';
import { InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from '@freshet/connectors';
import { decideRetry } from './retry-policy';

const policy = { maxAttempts: 3, baseDelayMs: 1000 };

describe('decideRetry', () => {
  it('retries retryable failures with doubling delays until the last attempt', () => {
    const error = new UpstreamUnavailableError('http://u', new Error('ECONNREFUSED'));
    expect(decideRetry(error, 1, policy)).toMatchObject({ willRetry: true, delayMs: 1000 });
    expect(decideRetry(error, 2, policy)).toMatchObject({ willRetry: true, delayMs: 2000 });
    expect(decideRetry(error, 3, policy)).toMatchObject({ willRetry: false });
  });

  it('fails at once on a malformed page or a 4xx', () => {
    expect(decideRetry(new InvalidUpstreamPageError('http://u', 2, 'not an array'), 1, policy)).toMatchObject({
      willRetry: false,
      error: { code: 'INVALID_UPSTREAM_PAGE', retryable: false },
    });
    expect(decideRetry(new UpstreamHttpError(401, 'http://u'), 1, policy).willRetry).toBe(false);
  });

  it("lets the upstream's Retry-After win when it is longer", () => {
    expect(decideRetry(new UpstreamHttpError(429, 'http://u', 30_000), 1, policy)).toMatchObject({ willRetry: true, delayMs: 30_000 });
    expect(decideRetry(new UpstreamHttpError(429, 'http://u', 10), 2, policy).delayMs).toBe(2000);
    expect(decideRetry(new UpstreamHttpError(503, 'http://u', 45_000), 1, policy).delayMs).toBe(45_000);
  });

  it('never gives up on a rate-limit answer: waiting it out is not an attempt', () => {
    expect(decideRetry(new UpstreamHttpError(429, 'http://u', 5_000), 3, policy)).toMatchObject({
      willRetry: true,
      delayMs: 5_000,
      error: { code: 'UPSTREAM_RATE_LIMITED' },
    });
    expect(decideRetry(new UpstreamHttpError(420, 'http://u'), 9, policy)).toMatchObject({ willRetry: true, error: { code: 'UPSTREAM_RATE_LIMITED' } });
  });

  it('retries a lost optimistic-concurrency race', () => {
    const conflict = Object.assign(new Error('stream moved'), { code: 'WRONG_EXPECTED_VERSION' });
    expect(decideRetry(conflict, 1, policy)).toMatchObject({ willRetry: true, error: { code: 'WRONG_EXPECTED_VERSION' } });
  });
});
