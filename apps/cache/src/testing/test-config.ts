// The cache's configuration for a test run: the real servers, the run's unique names.
import type { TestNames } from '@freshet/testkit';
import { TEST_NATS_URL, TEST_REDIS_URL } from '@freshet/testkit';
import { loadCacheConfig } from '../config';

export function testCacheConfig(names: TestNames, overrides: Record<string, string> = {}) {
  return loadCacheConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    NATS_URL: TEST_NATS_URL,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: names.redisKeyPrefix,
    FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
    FRESHET_EVENTS_STREAM: names.eventsStream,
    FRESHET_COMMANDS_STREAM: names.commandsStream,
    ...overrides,
  });
}
