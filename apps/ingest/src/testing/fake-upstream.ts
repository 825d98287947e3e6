// A tiny paged upstream on loopback for ingest's integration tests (apps may not import
// upstream-sim). Items are newest first, 50 per page, X-Pages header; faults on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpstream {
  url: string;
  items: Array<Record<string, unknown> & { id: number }>;
  fault: 'none' | 'malformed-page-2' | 'unavailable' | 'rate-limited';
  /** Delay before every answer, for syncs that must still be running. */
  latencyMs: number;
  /** Retry-After (seconds) sent with 'rate-limited'. */
  retryAfterSeconds: number;
  requests: number;
  /** When each request arrived (ms since epoch). */
  requestTimes: number[];
  close(): Promise<void>;
}

export async function startFakeUpstream(count: number): Promise<FakeUpstream> {
  const state: Omit<FakeUpstream, 'url' | 'close'> = {
    items: Array.from({ length: count }, (_, i) => ({ id: count - i, name: `item ${count - i}`, price: 100 + i })),
    fault: 'none',
    retryAfterSeconds: 1,
    latencyMs: 0,
    requests: 0,
    requestTimes: [],
  };
  const server: Server = createServer((req, res) => void setTimeout(() => answer(req, res), state.latencyMs));
  function answer(req: IncomingMessage, res: ServerResponse): void {
    state.requests += 1;
    state.requestTimes.push(Date.now());
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1');
    if (state.fault === 'unavailable') return void res.writeHead(503).end('down');
    if (state.fault === 'rate-limited') return void res.writeHead(429, { 'retry-after': String(state.retryAfterSeconds) }).end('slow down');
    const pages = Math.max(1, Math.ceil(state.items.length / 50));
    const body = state.fault === 'malformed-page-2' && page === 2 ? '{"not":"a list"}' : JSON.stringify(state.items.slice((page - 1) * 50, page * 50));
    res.writeHead(200, { 'content-type': 'application/json', 'x-pages': String(pages) }).end(body);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const upstream = Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  return upstream as FakeUpstream;
}
