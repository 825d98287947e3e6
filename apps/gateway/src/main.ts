// Process entry: config, start, graceful stop. Nothing else.
import { createLogger, exitOnStartupError, onShutdownSignal } from '@freshet/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './service';

const bootLogger = createLogger('gateway');
try {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const running = await startGateway(config, logger);
  onShutdownSignal(logger, () => running.stop(), { graceMs: config.SHUTDOWN_GRACE_MS });
} catch (error) {
  exitOnStartupError(bootLogger, error);
}
