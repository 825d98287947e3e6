// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal } from '@freshet/telemetry';
import { loadSchedulerConfig } from './config';
import { startScheduler } from './service';

const bootLogger = createLogger('sync-scheduler');
try {
  const config = loadSchedulerConfig();
  const logger = createLogger('sync-scheduler', config.LOG_LEVEL);
  const running = await startScheduler(config, logger);
  onShutdownSignal(logger, () => running.stop(), { graceMs: config.SHUTDOWN_GRACE_MS });
} catch (error) {
  exitOnStartupError(bootLogger, error);
}
