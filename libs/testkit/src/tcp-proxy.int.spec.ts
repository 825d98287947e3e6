// The TCP proxy in front of the real Redis and Postgres: clients work through it, fail
// fast while it is cut (no hanging until a timeout), and work again once it is restored,
// while the shared servers themselves stay up for everyone else.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './test-servers';
import { testNames } from './unique-names';
import { waitFor } from './wait-for';

const names = testNames('tcpproxy');
const redisTarget = new URL(TEST_REDIS_URL);
const postgresTarget = new URL(TEST_DATABASE_URL);
const targetOf = (url: URL, defaultPort: number) => ({ host: url.hostname, port: Number(url.port || defaultPort) });

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxyTo(target: { host: string; port: number }): Promise<TcpProxy> {
  const proxy = await startTcpProxy(target);
  cleanups.push(() => proxy.close());
  return proxy;
}

/** How long a promise takes to settle, and how. */
async function timed<T>(promise: Promise<T>): Promise<{ ms: number; error?: unknown; value?: T }> {
  const started = Date.now();
  try {
    const value = await promise;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

/** Resolves with the error of a raw TCP connection to the port, or 'open' if data flows and nothing fails. */
function rawConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on('close', () => resolve('closed'));
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve('hung');
    });
  });
}

describe('startTcpProxy', () => {
  it('builds its addresses from a scheme or from a whole URL', async () => {
    const proxy = await proxyTo(targetOf(redisTarget, 6379));
    expect(proxy.port).toBeGreaterThan(0);
    expect(proxy.url()).toBe(`127.0.0.1:${proxy.port}`);
    expect(proxy.url('redis')).toBe(`redis://127.0.0.1:${proxy.port}`);
    expect(proxy.url('postgres://postgres@127.0.0.1:5432/test?sslmode=disable')).toBe(`postgres://postgres@127.0.0.1:${proxy.port}/test?sslmode=disable`);
  });

  it('takes Redis away from an ioredis client and gives it back', async () => {
    const proxy = await proxyTo(targetOf(redisTarget, 6379));
    const redis = new Redis(proxy.url(TEST_REDIS_URL), { maxRetriesPerRequest: 1, lazyConnect: true });
    redis.on('error', () => undefined);
    cleanups.push(() => redis.disconnect());
    const key = `${names.redisKeyPrefix}probe`;

    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    await redis.set(key, 'through the proxy', 'EX', 60);
    expect(await redis.get(key)).toBe('through the proxy');
    expect(proxy.connections).toBe(1);

    proxy.cut();
    expect(proxy.isCut).toBe(true);
    expect(proxy.connections).toBe(0);
    const failed = await timed(redis.ping());
    expect(failed.error).toBeInstanceOf(Error);
    expect(failed.ms).toBeLessThan(1_000);
    // Reconnects are accepted and reset, never forwarded.
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.connections).toBe(0);
    expect(redis.status).not.toBe('ready');

    proxy.restore();
    await waitFor(async () => (await redis.ping()) === 'PONG', { message: 'ioredis to reconnect through the restored proxy' });
    expect(redis.status).toBe('ready');
    expect(await redis.get(key)).toBe('through the proxy');
    expect(proxy.connections).toBe(1);
    await redis.del(key);
  });

  it('takes Postgres away from pg clients and pools and gives it back', async () => {
    const proxy = await proxyTo(targetOf(postgresTarget, 5432));
    const connectionString = proxy.url(TEST_DATABASE_URL);
    const client = new pg.Client({ connectionString });
    const clientErrors: Error[] = [];
    client.on('error', (error) => clientErrors.push(error));
    cleanups.push(() => client.end().catch(() => undefined));
    const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 5_000 });
    pool.on('error', () => undefined);
    cleanups.push(() => pool.end());

    await client.connect();
    expect((await client.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(proxy.connections).toBe(2);

    proxy.cut();
    // The open connection is gone: its client reports it and its queries fail.
    await waitFor(() => clientErrors.length > 0, { timeoutMs: 1_000, message: 'the pg client to see its connection reset' });
    await expect(client.query('select 1')).rejects.toThrow();
    // A new connection fails at once rather than hanging until connectionTimeoutMillis.
    const fresh = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    fresh.on('error', () => undefined);
    const refused = await timed(fresh.connect());
    expect(refused.error).toBeInstanceOf(Error);
    expect(refused.ms).toBeLessThan(1_000);
    const pooled = await timed(pool.query('select 1'));
    expect(pooled.error).toBeInstanceOf(Error);
    expect(pooled.ms).toBeLessThan(1_000);

    proxy.restore();
    const again = new pg.Client({ connectionString });
    await again.connect();
    cleanups.push(() => again.end());
    expect((await again.query<{ db: string }>('select current_database() as db')).rows).toEqual([{ db: postgresTarget.pathname.slice(1) }]);
    // The pool replaces its broken connection.
    expect((await pool.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('resets raw connections while cut and after close; close ends open connections', async () => {
    const proxy = await proxyTo(targetOf(redisTarget, 6379));
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await waitFor(() => proxy.connections === 1, { message: 'the proxy to count the connection' });

    proxy.cut();
    await closed;
    expect(['ECONNRESET', 'closed']).toContain(await rawConnect(proxy.port));
    proxy.restore();

    const open = net.connect({ host: '127.0.0.1', port: proxy.port });
    open.on('error', () => undefined);
    const openClosed = new Promise<void>((resolve) => open.once('close', () => resolve()));
    await waitFor(() => proxy.connections === 1, { message: 'the proxy to forward again' });
    await proxy.close();
    await openClosed;
    expect(proxy.connections).toBe(0);
    expect(await rawConnect(proxy.port)).toBe('ECONNREFUSED');
    // A second close is harmless (the afterEach closes again).
  });

  it('resets the client when the target is not there', async () => {
    // A port just freed: nothing listens on it.
    const probe = await startTcpProxy({ host: '127.0.0.1', port: 1 });
    const deadPort = probe.port;
    await probe.close();
    const proxy = await proxyTo({ host: '127.0.0.1', port: deadPort });
    expect(['ECONNRESET', 'closed']).toContain(await rawConnect(proxy.port));
    expect(proxy.connections).toBe(0);
  });
});
