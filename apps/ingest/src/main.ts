// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal, startTracing } from '@freshet/telemetry';
import { loadIngestConfig } from './config';
import { startIngest } from './service';

const bootLogger = createLogger('ingest');
try {
  const config = loadIngestConfig();
  const logger = createLogger('ingest', config.LOG_LEVEL);
  // Before anything runs: from here on, requests and messages carry trace context (decision 0013).
  const tracing = startTracing({ service: 'ingest', logger });
  const running = await startIngest(config, logger);
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
