import { describe, expect, it } from 'vitest';
import { InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from '../connector-errors';
import { isUpstreamDownError } from './upstream-down';

const systemError = (code: string) => Object.assign(new Error(code), { code });

describe('isUpstreamDownError', () => {
  it('counts 5xx answers', () => {
    for (const status of [500, 502, 503, 504]) expect(isUpstreamDownError(new UpstreamHttpError(status, 'http://u/x'))).toBe(true);
  });

  it('does not count 4xx answers, 429 included', () => {
    for (const status of [400, 401, 403, 404, 408, 409, 420, 422, 429]) {
      expect(isUpstreamDownError(new UpstreamHttpError(status, 'http://u/x')), String(status)).toBe(false);
    }
  });

  it('counts an unreachable upstream and timeouts', () => {
    expect(isUpstreamDownError(new UpstreamUnavailableError('http://u/x', new TypeError('fetch failed')))).toBe(true);
    expect(isUpstreamDownError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(true);
    expect(isUpstreamDownError(new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }))).toBe(true);
    expect(isUpstreamDownError(systemError('UND_ERR_HEADERS_TIMEOUT'))).toBe(true);
    expect(isUpstreamDownError(systemError('ECONNRESET'))).toBe(true);
  });

  it("does not count the caller's own cancellation", () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(isUpstreamDownError(abort)).toBe(false);
    expect(isUpstreamDownError(new UpstreamUnavailableError('http://u/x', abort))).toBe(false);
  });

  it('does not count validation failures or unknown errors', () => {
    expect(isUpstreamDownError(new InvalidUpstreamPageError('http://u/x', 1, 'not an array'))).toBe(false);
    expect(isUpstreamDownError(new Error('boom'))).toBe(false);
    expect(isUpstreamDownError(systemError('EACCES'))).toBe(false);
    expect(isUpstreamDownError('a string')).toBe(false);
    expect(isUpstreamDownError(undefined)).toBe(false);
  });

  it('reads the status of other HTTP clients', () => {
    expect(isUpstreamDownError(Object.assign(new Error('bad gateway'), { status: 502 }))).toBe(true);
    expect(isUpstreamDownError(Object.assign(new Error('not found'), { statusCode: 404 }))).toBe(false);
  });
});
