// A spec's connections to the shared NATS and Redis, and the clean-up of what its run left
// there: opening makes the run's streams; closing stops what the spec ran on them, then
// deletes the run's streams and Redis keys, so nothing of one run is seen by the next.
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { busTopology, ensureStreams } from '@freshet/bus';
import { deleteStreams, TEST_NATS_URL, TEST_REDIS_URL, type TestNames } from '@freshet/testkit';
import { deleteKeys } from './redis-keys';

const HOUR = 3_600_000;

export interface TestConnections {
  nc: NatsConnection;
  js: JetStreamClient;
  /** Without a key prefix: it sees the keys as stored, the run's prefix included. */
  raw: Redis;
}

export async function openTestConnections(names: TestNames): Promise<TestConnections> {
  const nc = await connect({ servers: TEST_NATS_URL });
  const raw = new Redis(TEST_REDIS_URL);
  try {
    const topology = busTopology({ prefix: names.subjectPrefix, eventsStream: names.eventsStream, commandsStream: names.commandsStream, eventsMaxAgeMs: HOUR });
    await ensureStreams(nc, topology, pino({ level: 'silent' }));
  } catch (error) {
    // The spec never gets them, so its afterAll could not close them.
    await closeTestConnections(names, { nc, raw });
    throw error;
  }
  return { nc, js: jetstream(nc), raw };
}

/** What a spec runs on the connections: caches (replicas) and its own subscriptions (stand-in responders, listeners). */
export interface ConnectionUsers {
  caches?: ({ stop(): Promise<void> } | undefined)[];
  subscriptions?: (Subscription | undefined)[];
}

/**
 * Stops what the spec runs on the connections first (they would fail on a closed one),
 * then closes them. Takes what was opened: a beforeAll that failed may have left any of
 * them undefined.
 */
export async function closeTestConnections(
  names: TestNames,
  { nc, raw }: { nc?: NatsConnection; raw?: Redis },
  { caches = [], subscriptions = [] }: ConnectionUsers = {},
): Promise<void> {
  await Promise.all(caches.map((cache) => cache?.stop()));
  for (const sub of subscriptions) sub?.unsubscribe();
  await nc?.close();
  await deleteStreams([names.eventsStream, names.commandsStream]);
  if (raw) {
    await deleteKeys(raw, `${names.redisKeyPrefix}*`);
    raw.disconnect();
  }
}
