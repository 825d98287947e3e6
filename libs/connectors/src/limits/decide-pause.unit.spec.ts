import { describe, expect, it } from 'vitest';
import { decidePause, parseRetryAfterMs } from './decide-pause';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const h = (entries: Record<string, string> = {}) => new Headers(entries);

describe('parseRetryAfterMs', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('7', NOW)).toBe(7000);
    expect(parseRetryAfterMs(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfterMs('1.5', NOW)).toBe(1500);
  });

  it('reads an HTTP date as a delay from now, a past date as 0', () => {
    expect(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfterMs('Tuesday, 01-Jan-30 00:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', NOW)).toBe(0);
  });

  it('refuses what is absent or garbage', () => {
    expect(parseRetryAfterMs(null, NOW)).toBeUndefined();
    for (const garbage of ['', 'soon', '-5', '5s', 'Tue, 99 Foo 2030 25:00:00 GMT', '1e3']) {
      expect(parseRetryAfterMs(garbage, NOW), garbage).toBeUndefined();
    }
  });
});

describe('decidePause', () => {
  it('pauses a 429 for its Retry-After in seconds', () => {
    expect(decidePause(429, h({ 'Retry-After': '30' }), NOW)).toEqual({ untilMs: NOW + 30_000, reason: 'rate_limited' });
  });

  it('pauses a 429 until its Retry-After date', () => {
    expect(decidePause(429, h({ 'retry-after': 'Tue, 01 Jan 2030 00:00:12 GMT' }), NOW)).toEqual({
      untilMs: NOW + 12_000,
      reason: 'rate_limited',
    });
  });

  it('falls back to a default pause for a 429 without a usable Retry-After', () => {
    expect(decidePause(429, h(), NOW)).toEqual({ untilMs: NOW + 10_000, reason: 'rate_limited' });
    expect(decidePause(429, h({ 'retry-after': 'later please' }), NOW)).toEqual({ untilMs: NOW + 10_000, reason: 'rate_limited' });
    expect(decidePause(429, h(), NOW, { fallback429PauseMs: 2_000 })?.untilMs).toBe(NOW + 2_000);
  });

  it('does not pause when told to retry now', () => {
    expect(decidePause(429, h({ 'retry-after': '0' }), NOW)).toBeUndefined();
    expect(decidePause(429, h({ 'retry-after': 'Mon, 31 Dec 2029 23:00:00 GMT' }), NOW)).toBeUndefined();
  });

  it('caps a pause at maxPauseMs', () => {
    expect(decidePause(429, h({ 'retry-after': '86400' }), NOW)?.untilMs).toBe(NOW + 10 * 60_000);
    expect(decidePause(429, h({ 'retry-after': '86400' }), NOW, { maxPauseMs: 5_000 })?.untilMs).toBe(NOW + 5_000);
  });

  it('ignores Retry-After on ordinary responses and errors', () => {
    expect(decidePause(200, h({ 'retry-after': '30' }), NOW)).toBeUndefined();
    expect(decidePause(500, h({ 'retry-after': '30' }), NOW)).toBeUndefined();
    expect(decidePause(404, h(), NOW)).toBeUndefined();
  });

  it('honours Retry-After on a 503 but does not invent one', () => {
    expect(decidePause(503, h({ 'retry-after': '20' }), NOW)).toEqual({ untilMs: NOW + 20_000, reason: 'unavailable' });
    expect(decidePause(503, h(), NOW)).toBeUndefined();
  });

  it('pauses until the ESI error window resets when the budget is at or below the floor', () => {
    const esi = (remain: string, reset: string) => h({ 'X-ESI-Error-Limit-Remain': remain, 'X-ESI-Error-Limit-Reset': reset });
    expect(decidePause(200, esi('5', '42'), NOW)).toEqual({ untilMs: NOW + 42_000, reason: 'esi_error_budget' });
    expect(decidePause(404, esi('0', '13'), NOW)).toEqual({ untilMs: NOW + 13_000, reason: 'esi_error_budget' });
    expect(decidePause(200, esi('6', '42'), NOW)).toBeUndefined();
    expect(decidePause(200, esi('20', '42'), NOW, { esiErrorLimitFloor: 20 })?.reason).toBe('esi_error_budget');
  });

  it('treats a spent budget without a reset as a full ESI window, and a due reset as no pause', () => {
    expect(decidePause(200, h({ 'x-esi-error-limit-remain': '1' }), NOW)?.untilMs).toBe(NOW + 60_000);
    expect(decidePause(200, h({ 'x-esi-error-limit-remain': '1', 'x-esi-error-limit-reset': 'soon' }), NOW)?.untilMs).toBe(NOW + 60_000);
    expect(decidePause(200, h({ 'x-esi-error-limit-remain': '1', 'x-esi-error-limit-reset': '0' }), NOW)).toBeUndefined();
  });

  it('ignores unreadable ESI counts', () => {
    expect(decidePause(200, h({ 'x-esi-error-limit-remain': 'few', 'x-esi-error-limit-reset': '10' }), NOW)).toBeUndefined();
    expect(decidePause(200, h({ 'x-esi-error-limit-remain': '-1', 'x-esi-error-limit-reset': '10' }), NOW)).toBeUndefined();
  });

  it('pauses a 420 until the ESI reset, else its Retry-After, else a full window', () => {
    expect(decidePause(420, h({ 'x-esi-error-limit-remain': '0', 'x-esi-error-limit-reset': '17' }), NOW)).toEqual({
      untilMs: NOW + 17_000,
      reason: 'esi_error_limited',
    });
    expect(decidePause(420, h({ 'retry-after': '9' }), NOW)).toEqual({ untilMs: NOW + 9_000, reason: 'esi_error_limited' });
    expect(decidePause(420, h(), NOW)).toEqual({ untilMs: NOW + 60_000, reason: 'esi_error_limited' });
  });

  it('takes the longest pause when several signals arrive together', () => {
    const headers = h({ 'retry-after': '5', 'x-esi-error-limit-remain': '2', 'x-esi-error-limit-reset': '40' });
    expect(decidePause(429, headers, NOW)).toEqual({ untilMs: NOW + 40_000, reason: 'esi_error_budget' });
    const shorterBudget = h({ 'retry-after': '50', 'x-esi-error-limit-remain': '2', 'x-esi-error-limit-reset': '40' });
    expect(decidePause(429, shorterBudget, NOW)).toEqual({ untilMs: NOW + 50_000, reason: 'rate_limited' });
  });
});
