import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FreshetClientError, retryAfterMs } from './client-error';
import { buildUrl, createHttpClient } from './http';
import type { ClientAuth } from '../types';

interface Seen {
  url: string;
  init: RequestInit | undefined;
}

function client(auth: ClientAuth, answer: () => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    seen.push({ url: String(input), init });
    return answer();
  };
  return { seen, http: createHttpClient({ baseUrl: 'http://gw.test/', auth, fetch: fetchFn, timeoutMs: 1_000 }) };
}

const okSchema = z.object({ ok: z.boolean() });
const header = (seen: Seen | undefined, name: string) => new Headers(seen?.init?.headers).get(name);

describe('REST helper', () => {
  it('builds URLs with repeated parameters and no undefined ones', () => {
    expect(buildUrl('http://gw.test/', '/v1/x', { channel: ['a', 'b'], limit: 5, cursor: undefined })).toBe('http://gw.test/v1/x?channel=a&channel=b&limit=5');
    expect(buildUrl('', '/v1/x')).toBe('/v1/x');
  });

  it('sends a bearer token, resolving a token function on every request', async () => {
    let n = 0;
    const { http, seen } = client({ kind: 'bearer', token: async () => `t${++n}` }, () => Response.json({ ok: true }));
    await http.get('/a', { schema: okSchema });
    await http.post('/b', { schema: okSchema });
    expect(seen.map((s) => header(s, 'authorization'))).toEqual(['Bearer t1', 'Bearer t2']);
    expect(seen[1]?.init?.method).toBe('POST');
    expect(seen[1]?.init?.body).toBeUndefined();
    expect(header(seen[1], 'x-freshet-csrf')).toBeNull();
  });

  it('uses the cookie (credentials include) and the CSRF header on mutations only', async () => {
    const { http, seen } = client({ kind: 'cookie' }, () => Response.json({ ok: true }));
    await http.get('/a', { schema: okSchema });
    await http.post('/b', { schema: okSchema });
    expect(seen.map((s) => s.init?.credentials)).toEqual(['include', 'include']);
    expect(seen.map((s) => header(s, 'x-freshet-csrf'))).toEqual([null, '1']);
    expect(seen.map((s) => header(s, 'authorization'))).toEqual([null, null]);
  });

  it('turns {error, message, details} bodies into a FreshetClientError', async () => {
    const body = { error: 'VALIDATION_FAILED', message: 'bad query', details: [{ path: 'limit' }] };
    const { http } = client({ kind: 'cookie' }, () => Response.json(body, { status: 400 }));
    const error = await http.get('/a', { schema: okSchema }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FreshetClientError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'bad query', status: 400, details: [{ path: 'limit' }] });
  });

  it('names an error without a body after its status', async () => {
    const { http } = client({ kind: 'cookie' }, () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(http.get('/a', { schema: okSchema })).rejects.toMatchObject({ code: 'HTTP_502', status: 502 });
  });

  it('refuses answers that break the contract, and reports network failures and timeouts', async () => {
    await expect(client({ kind: 'cookie' }, () => Response.json({ nope: 1 })).http.get('/a', { schema: okSchema })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(client({ kind: 'cookie' }, () => new Response('not json')).http.get('/a', { schema: okSchema })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(client({ kind: 'cookie' }, () => Promise.reject(new TypeError('fetch failed'))).http.get('/a', { schema: okSchema })).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
    });
    const slow = createHttpClient({
      baseUrl: '',
      auth: { kind: 'cookie' },
      timeoutMs: 20,
      fetch: (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });
    await expect(slow.get('/a', { schema: okSchema })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(new Response(null, { headers: { 'retry-after': '7' } }))).toBe(7_000);
    expect(retryAfterMs(new Response(null, { headers: { 'retry-after': new Date(61_000).toUTCString() } }), 1_000)).toBe(60_000);
    expect(retryAfterMs(new Response(null))).toBeUndefined();
  });
});
