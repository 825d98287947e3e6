// An isolated stack for one end-to-end test file: free ports, unique names, logs in
// .freshet/logs/, everything removed afterwards.
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL, TEST_REDIS_URL, freePort } from '@freshet/testkit';
import { APP_NAMES, launchStack, type AppName, type RunningStack, type StackOptions } from '../dev/stack';

export interface E2eStack extends RunningStack {
  /** The run's unique names (Redis key prefix, streams, schema). */
  names: ReturnType<typeof testNames>;
  logFile: string;
  teardown(): Promise<void>;
}

export async function startE2eStack(label: string, extraEnv?: StackOptions['extraEnv'], options: Pick<StackOptions, 'dashboardDir'> = {}): Promise<E2eStack> {
  const names = testNames(label);
  const ports = {} as Record<AppName, number>;
  for (const app of APP_NAMES) ports[app] = await freePort();
  mkdirSync('.freshet/logs', { recursive: true });
  const logFile = `.freshet/logs/${names.id}.log`;
  const stack = await launchStack({
    ports,
    names,
    output: logFile,
    logLevel: 'debug',
    services: { postgres: TEST_DATABASE_URL, redis: TEST_REDIS_URL, nats: TEST_NATS_URL },
    extraEnv,
    dashboardDir: options.dashboardDir,
  });
  return {
    ...stack,
    names,
    logFile,
    async teardown() {
      await stack.stop();
      await dropSchema(names.databaseSchema);
      await dropSchema(`${names.databaseSchema}_scheduler`);
      await deleteStreams([names.eventsStream, names.commandsStream]);
      await deleteRedisKeys(names.redisKeyPrefix);
    },
  };
}

/** Removes every Redis key under the run's prefix. */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`, 'COUNT', 500);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
