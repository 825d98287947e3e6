// Process entry: the scheduler runs as every service does (libs/telemetry runService: logger,
// tracing before anything runs, graceful stop, start-up errors exit 1). Nothing else.
import { runService } from '@freshet/telemetry';
import { loadSchedulerConfig } from './config';
import { startScheduler } from './service';

await runService({ service: 'sync-scheduler', loadConfig: loadSchedulerConfig, start: startScheduler });
