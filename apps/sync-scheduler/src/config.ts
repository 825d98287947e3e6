// The scheduler's configuration, parsed once at start. Its scan, queue and retry
// settings arrive with the scheduler issue; this is the skeleton's part.
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv, postgresEnv } from '@freshet/config';

export const schedulerConfigSchema = z.object({ ...httpEnv, ...portEnv(4030), ...natsEnv, ...postgresEnv });
export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;

export function loadSchedulerConfig(env?: Record<string, string | undefined>): Readonly<SchedulerConfig> {
  return loadConfig('sync-scheduler', schedulerConfigSchema, env);
}
