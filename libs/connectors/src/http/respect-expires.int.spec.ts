// ESI-style caches: while page 1's Expires is in the future the upstream would answer
// the same data, so a sync that respects it sends no request at all.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceDefinitionSchema, type HttpConnector } from '@freshet/contracts';
import { emptySyncStats, httpSync, type HttpSyncBatch } from './http-sync';
import type { SyncCursor } from './sync-cursor';

let server: Server;
let requests = 0;
const expires = new Date(Date.now() + 60_000);
let connector: HttpConnector;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json', 'x-pages': '1', etag: '"v1"', expires: expires.toUTCString() }).end('[{"id":2},{"id":1}]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const parsed = sourceDefinitionSchema.parse({ tenant: 't', source: 's', connector: { type: 'esi-list', baseUrl, path: '/orders' } }).connector;
  if (parsed.type !== 'http') throw new Error('expected http');
  connector = parsed;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(cursor: SyncCursor, forceFull = false) {
  const stats = emptySyncStats();
  const batches: HttpSyncBatch[] = [];
  for await (const batch of httpSync(connector, cursor, { stats, forceFull })) batches.push(batch);
  const end = batches.at(-1);
  if (end?.kind !== 'end') throw new Error('no end batch');
  return { end, stats };
}

describe('respectExpires (on in the ESI preset)', () => {
  it('remembers Expires and sends nothing until it passes', async () => {
    const first = await run({});
    expect(first.end.cursor.expiresAt).toBe(new Date(Math.floor(expires.getTime() / 1000) * 1000).toISOString());
    const before = requests;
    const second = await run(first.end.cursor);
    expect(requests).toBe(before);
    expect(second.end).toMatchObject({ notModified: true, listingComplete: false });
    expect(second.end.notes.join()).toMatch(/cached until/);
    expect(second.stats.savedRequests).toBe(1);
  });

  it('asks again once Expires has passed, and a full refresh never waits', async () => {
    const past = { lastSeenId: '2', etag: '"v0"', expiresAt: new Date(Date.now() - 1000).toISOString() };
    let before = requests;
    await run(past);
    expect(requests).toBe(before + 1);
    before = requests;
    await run({ ...past, expiresAt: expires.toISOString() }, true);
    expect(requests).toBe(before + 1);
  });
});
