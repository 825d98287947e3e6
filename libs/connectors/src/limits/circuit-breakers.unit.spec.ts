// The breaker with real (short) timers: cockatiel times half-open with Date.now().
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { InvalidUpstreamPageError, UpstreamHttpError } from '../connector-errors';
import { createCircuitBreakers } from './circuit-breakers';
import { UpstreamCircuitOpenError } from './upstream-guard-errors';

function breakers(consecutiveFailures = 3, halfOpenAfterMs = 150) {
  const events = { onOpen: vi.fn(), onHalfOpen: vi.fn(), onClose: vi.fn() };
  return { circuits: createCircuitBreakers({ consecutiveFailures, halfOpenAfterMs }, events), events };
}
const fail = (status: number) => () => Promise.reject(new UpstreamHttpError(status, 'http://u/x'));

describe('createCircuitBreakers', () => {
  it('opens after n consecutive 5xx, fails fast, half-opens and closes after a success', async () => {
    const { circuits, events } = breakers();
    for (let i = 0; i < 3; i += 1) await expect(circuits.execute('u', fail(503))).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(circuits.state('u')).toBe('open');
    expect(events.onOpen).toHaveBeenCalledTimes(1);

    const fn = vi.fn(() => Promise.resolve('never'));
    const open = (await circuits.execute('u', fn).catch((e: unknown) => e)) as UpstreamCircuitOpenError;
    expect(open).toBeInstanceOf(UpstreamCircuitOpenError);
    expect(open.code).toBe('UPSTREAM_CIRCUIT_OPEN');
    expect(open.retryable).toBe(true);
    expect(open.upstreamId).toBe('u');
    expect(open.retryAfterMs).toBeGreaterThan(0);
    expect(open.retryAfterMs).toBeLessThanOrEqual(150);
    expect(fn).not.toHaveBeenCalled();

    await sleep(170);
    await expect(circuits.execute('u', () => Promise.resolve('trial'))).resolves.toBe('trial');
    expect(events.onHalfOpen).toHaveBeenCalledTimes(1);
    expect(events.onClose).toHaveBeenCalledTimes(1);
    expect(circuits.state('u')).toBe('closed');
  });

  it('re-opens when the trial call fails', async () => {
    const { circuits, events } = breakers(1, 80);
    await expect(circuits.execute('u', fail(502))).rejects.toBeInstanceOf(UpstreamHttpError);
    await sleep(100);
    await expect(circuits.execute('u', fail(502))).rejects.toBeInstanceOf(UpstreamHttpError);
    expect(circuits.state('u')).toBe('open');
    expect(events.onOpen).toHaveBeenCalledTimes(2);
    await expect(circuits.execute('u', () => Promise.resolve(1))).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
  });

  it('never opens on 4xx or invalid pages, and passes those errors through unchanged', async () => {
    const { circuits } = breakers(2);
    for (let i = 0; i < 5; i += 1) {
      await expect(circuits.execute('u', fail(404))).rejects.toBeInstanceOf(UpstreamHttpError);
      await expect(circuits.execute('u', fail(429))).rejects.toBeInstanceOf(UpstreamHttpError);
      const invalid = new InvalidUpstreamPageError('http://u/x', 1, 'bad');
      await expect(circuits.execute('u', () => Promise.reject(invalid))).rejects.toBe(invalid);
    }
    expect(circuits.state('u')).toBe('closed');
  });

  it('counts an answer that is not a failure as proof the upstream is up', async () => {
    const { circuits } = breakers(2);
    await expect(circuits.execute('u', fail(503))).rejects.toThrow();
    await expect(circuits.execute('u', fail(404))).rejects.toThrow();
    await expect(circuits.execute('u', fail(503))).rejects.toThrow();
    expect(circuits.state('u')).toBe('closed');
  });

  it('keeps one breaker per upstream', async () => {
    const { circuits } = breakers(1);
    await expect(circuits.execute('down', fail(500))).rejects.toBeInstanceOf(UpstreamHttpError);
    await expect(circuits.execute('down', fail(500))).rejects.toBeInstanceOf(UpstreamCircuitOpenError);
    await expect(circuits.execute('up', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
