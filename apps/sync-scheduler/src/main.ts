// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal, startTracing } from '@freshet/telemetry';
import { loadSchedulerConfig } from './config';
import { startScheduler } from './service';

const bootLogger = createLogger('sync-scheduler');
try {
  const config = loadSchedulerConfig();
  const logger = createLogger('sync-scheduler', config.LOG_LEVEL);
  // Before anything runs: from here on, requests and messages carry trace context (decision 0013).
  const tracing = startTracing({ service: 'sync-scheduler', logger });
  const running = await startScheduler(config, logger);
  onShutdownSignal(
    logger,
    async () => {
      await running.stop();
      await tracing.shutdown(); // bounded: a collector that does not answer cannot hold the stop
    },
    { graceMs: config.SHUTDOWN_GRACE_MS },
  );
} catch (error) {
  exitOnStartupError(bootLogger, error);
}
