// The process entry every Freshet service shares, so each app's main.ts says only what is
// its own (its name, its config, its start): the logger at the configured level, tracing
// started before anything runs (requests and messages carry trace context from the first
// one on, decision 0013), and a graceful stop on SIGTERM/SIGINT bounded by
// SHUTDOWN_GRACE_MS that stops the service, then flushes traces (bounded too: a collector
// that does not answer cannot hold the stop). A bad config or a failed start is logged
// (it names the variables or the server) and the process exits 1.
import type { Logger } from 'pino';
import { exitOnStartupError, onShutdownSignal } from './graceful-shutdown';
import { createLogger } from './logger';
import { startTracing } from './tracing/start-tracing';

export interface RunningService {
  stop(): Promise<void>;
}

export interface ServiceEntry<Config extends { LOG_LEVEL: string; SHUTDOWN_GRACE_MS: number }> {
  /** The service name of logs, metrics and traces. */
  service: string;
  /** Reads and checks the environment; throws a ConfigError naming every bad variable. */
  loadConfig: () => Config;
  /** Starts the service; resolves once it serves. */
  start: (config: Config, logger: Logger) => Promise<RunningService>;
}

export async function runService<Config extends { LOG_LEVEL: string; SHUTDOWN_GRACE_MS: number }>({ service, loadConfig, start }: ServiceEntry<Config>): Promise<void> {
  const bootLogger = createLogger(service);
  try {
    const config = loadConfig();
    const logger = createLogger(service, config.LOG_LEVEL);
    const tracing = startTracing({ service, logger });
    const running = await start(config, logger);
    onShutdownSignal(
      logger,
      async () => {
        await running.stop();
        await tracing.shutdown();
      },
      { graceMs: config.SHUTDOWN_GRACE_MS },
    );
  } catch (error) {
    exitOnStartupError(bootLogger, error);
  }
}
