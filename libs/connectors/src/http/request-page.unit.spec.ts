import { httpConnectorSchema } from '@freshet/contracts';
import { describe, expect, it } from 'vitest';
import { UpstreamHttpError } from '../connector-errors';
import { parseRetryAfter, redactUrl, upstreamIdOf } from './request-page';

const connector = (over: Record<string, unknown> = {}) =>
  httpConnectorSchema.parse({ type: 'http', baseUrl: 'https://api.example.com:8443', path: '/v1/items', ...over });

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:59:00 GMT', now)).toBe(0);
  });

  it('answers undefined for no header or garbage', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('   ', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('never answers a negative delay', () => {
    expect(parseRetryAfter('-5', now)).toBe(0);
  });
});

describe('upstreamIdOf', () => {
  it('defaults to host:port of the base URL and honours upstreamId', () => {
    expect(upstreamIdOf(connector())).toBe('api.example.com:8443');
    expect(upstreamIdOf(connector({ baseUrl: 'https://api.example.com' }))).toBe('api.example.com');
    expect(upstreamIdOf(connector({ upstreamId: 'esi' }))).toBe('esi');
  });
});

describe('redactUrl', () => {
  it('masks the query-auth parameter and nothing else', () => {
    const config = connector({ auth: { type: 'query', param: 'api_key', secret: { env: 'API_KEY' } } });
    expect(redactUrl(config, 'https://api.example.com/v1/items?page=2&api_key=s3cret')).toBe('https://api.example.com/v1/items?page=2&api_key=redacted');
    expect(redactUrl(config, 'https://api.example.com/v1/items?page=2')).toBe('https://api.example.com/v1/items?page=2');
  });

  it('leaves URLs alone for other auth types', () => {
    const config = connector({ auth: { type: 'bearer', secret: { env: 'API_KEY' } } });
    expect(redactUrl(config, 'https://api.example.com/v1/items?api_key=x')).toBe('https://api.example.com/v1/items?api_key=x');
  });
});

describe('UpstreamHttpError', () => {
  it.each([
    [500, true],
    [503, true],
    [429, true],
    [420, true],
    [408, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
  ])('%i is retryable: %s', (status, retryable) => {
    expect(new UpstreamHttpError(status, 'https://x.test/').retryable).toBe(retryable);
  });
});
