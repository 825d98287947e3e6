// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal, startTracing } from '@freshet/telemetry';
import { loadCacheConfig } from './config';
import { startCache } from './service';

const bootLogger = createLogger('cache');
try {
  const config = loadCacheConfig();
  const logger = createLogger('cache', config.LOG_LEVEL);
  // Before anything runs: from here on, requests and messages carry trace context (decision 0013).
  const tracing = startTracing({ service: 'cache', logger });
  const running = await startCache(config, logger);
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
