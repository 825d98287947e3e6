// The whole scheduler service as the service-level specs start it: on port 0, silent, on
// the test Postgres (in `schema`) and NATS under the run's unique names; `env` adds the
// settings a spec cares about (the scan, the sweeps).
import { pino } from 'pino';
import { TEST_DATABASE_URL, TEST_NATS_URL, type TestNames } from '@freshet/testkit';
import { loadSchedulerConfig } from '../config';
import { startScheduler } from '../service';

export function startTestScheduler(names: TestNames, schema: string, env: Record<string, string>) {
  const config = loadSchedulerConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    NATS_URL: TEST_NATS_URL,
    FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
    FRESHET_EVENTS_STREAM: names.eventsStream,
    FRESHET_COMMANDS_STREAM: names.commandsStream,
    ...env,
  });
  return startScheduler(config, pino({ level: 'silent' }));
}
