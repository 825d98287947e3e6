// Runs a service's stop() once on SIGTERM/SIGINT, and forces the exit if stopping takes
// longer than the grace period (a stuck drain must not keep a pod alive for ever).
import type { Logger } from 'pino';

export function onShutdownSignal(
  logger: Logger,
  stop: (signal: string) => Promise<void>,
  { graceMs = 10_000, signals = ['SIGTERM', 'SIGINT'] as NodeJS.Signals[] } = {},
): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown grace period exceeded, exiting');
      process.exit(1);
    }, graceMs);
    force.unref();
    stop(signal).then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.once(signal, handler);
}

/** Logs a fatal start-up error (e.g. a ConfigError naming the bad variables) and exits. */
export function exitOnStartupError(logger: Logger, error: unknown): never {
  logger.fatal({ err: error }, error instanceof Error ? error.message : 'startup failed');
  process.exit(1);
}
