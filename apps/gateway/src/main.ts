// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal, startTracing } from '@freshet/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './service';

const bootLogger = createLogger('gateway');
try {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  // Before anything runs: from here on, requests and messages carry trace context (decision 0013).
  const tracing = startTracing({ service: 'gateway', logger });
  const running = await startGateway(config, logger);
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
