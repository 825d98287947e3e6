// Pages through a real HTTP server on loopback (no fetch mock).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagedHttpListConnectorSchema } from '@freshet/contracts';
import { InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from './connector-errors';
import { fetchPagedList } from './paged-http-list';

type Handler = (page: number) => { status?: number; body: string; headers?: Record<string, string> };
const handlers = new Map<string, Handler>();
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const handler = handlers.get(url.pathname);
    if (!handler) return void res.writeHead(404).end();
    const { status = 200, body, headers = {} } = handler(Number(url.searchParams.get('page')));
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (path: string, extra: object = {}) =>
  pagedHttpListConnectorSchema.parse({ type: 'http-paged-list', baseUrl, path, ...extra });

describe('fetchPagedList', () => {
  it('follows the total-pages header', async () => {
    handlers.set('/three', (page) => ({ body: JSON.stringify([{ id: page * 10 }, { id: page * 10 + 1 }]), headers: { 'x-pages': '3' } }));
    const result = await fetchPagedList(config('/three'));
    expect(result.pages).toBe(3);
    expect(result.requests).toBe(3);
    expect(result.records.map((r) => r.key)).toEqual(['10', '11', '20', '21', '30', '31']);
  });

  it('stops at an empty page when there is no header', async () => {
    handlers.set('/nohdr', (page) => ({ body: JSON.stringify(page <= 2 ? [{ id: `k${page}` }] : []) }));
    const result = await fetchPagedList(config('/nohdr'));
    expect(result.records.map((r) => r.key)).toEqual(['k1', 'k2']);
    expect(result.requests).toBe(3);
  });

  it('fails the whole fetch on a malformed page', async () => {
    handlers.set('/bad', (page) => ({ body: page === 2 ? '{"oops":true}' : '[{"id":1}]', headers: { 'x-pages': '3' } }));
    await expect(fetchPagedList(config('/bad'))).rejects.toThrow(InvalidUpstreamPageError);
    handlers.set('/nokey', () => ({ body: '[{"name":"no id"}]', headers: { 'x-pages': '1' } }));
    await expect(fetchPagedList(config('/nokey'))).rejects.toThrow(/no usable primary key "id"/);
    handlers.set('/notjson', () => ({ body: '<html>', headers: { 'x-pages': '1' } }));
    await expect(fetchPagedList(config('/notjson'))).rejects.toThrow(/body is not JSON/);
  });

  it('classifies HTTP failures as retryable or not', async () => {
    handlers.set('/503', () => ({ status: 503, body: '' }));
    handlers.set('/401', () => ({ status: 401, body: '' }));
    handlers.set('/429', () => ({ status: 429, body: '', headers: { 'retry-after': '7' } }));
    const e503 = await fetchPagedList(config('/503')).catch((e: unknown) => e);
    const e401 = await fetchPagedList(config('/401')).catch((e: unknown) => e);
    const e429 = (await fetchPagedList(config('/429')).catch((e: unknown) => e)) as UpstreamHttpError;
    expect(e503).toBeInstanceOf(UpstreamHttpError);
    expect((e503 as UpstreamHttpError).retryable).toBe(true);
    expect((e401 as UpstreamHttpError).retryable).toBe(false);
    expect(e429.retryable).toBe(true);
    expect(e429.retryAfterMs).toBe(7000);
  });

  it('reports an unreachable upstream as retryable', async () => {
    const error = await fetchPagedList(
      pagedHttpListConnectorSchema.parse({ type: 'http-paged-list', baseUrl: 'http://127.0.0.1:9', path: '/x' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).retryable).toBe(true);
  });

  it('refuses an upstream that claims more pages than allowed', async () => {
    handlers.set('/huge', () => ({ body: '[{"id":1}]', headers: { 'x-pages': '5000' } }));
    await expect(fetchPagedList(config('/huge', { maxPages: 100 }))).rejects.toThrow(/more than maxPages 100/);
  });
});
