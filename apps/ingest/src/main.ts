// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal } from '@freshet/telemetry';
import { loadIngestConfig } from './config';
import { startIngest } from './service';

const bootLogger = createLogger('ingest');
try {
  const config = loadIngestConfig();
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const running = await startIngest(config, logger);
  onShutdownSignal(logger, () => running.stop(), { graceMs: config.SHUTDOWN_GRACE_MS });
} catch (error) {
  exitOnStartupError(bootLogger, error);
}
