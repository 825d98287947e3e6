// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal } from '@freshet/telemetry';
import { loadCacheConfig } from './config';
import { startCache } from './service';

const bootLogger = createLogger('cache');
try {
  const config = loadCacheConfig();
  const logger = createLogger('cache', config.LOG_LEVEL);
  const running = await startCache(config, logger);
  onShutdownSignal(logger, () => running.stop(), { graceMs: config.SHUTDOWN_GRACE_MS });
} catch (error) {
  exitOnStartupError(bootLogger, error);
}
