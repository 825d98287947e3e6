// Probes for the three servers Freshet needs. Each answers "up" only when the server
// really works (a query, a PING, a JetStream account lookup), not just when a port is open.
import pg from 'pg';
import { Redis } from 'ioredis';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export interface ServiceUrls {
  postgres: string;
  redis: string;
  nats: string;
}

export const DEFAULT_SERVICE_URLS: ServiceUrls = {
  postgres: 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: 'redis://127.0.0.1:6379',
  nats: 'nats://127.0.0.1:4222',
};

export type ServiceName = keyof ServiceUrls;

export async function probePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query('select 1');
  } finally {
    await client.end();
  }
}

export async function probeRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
}

export async function probeNats(url: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 2_000, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 2_000 });
    await jsm.getAccountInfo();
  } catch (error) {
    throw new Error(`NATS answers but JetStream is not enabled (start nats-server with -js): ${(error as Error).message}`, { cause: error });
  } finally {
    await nc.close();
  }
}

/** MySQL/MariaDB, used only by the SQL-poll connector's tests. */
export async function probeMysql(url: string): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  const connection = await createConnection({ uri: url, connectTimeout: 2_000 });
  try {
    await connection.query('select 1');
  } finally {
    await connection.end();
  }
}

export const TEST_MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

export const PROBES: Record<ServiceName, (url: string) => Promise<void>> = {
  postgres: probePostgres,
  redis: probeRedis,
  nats: probeNats,
};
