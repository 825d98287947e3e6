// Process entry: load config, build the app, listen, and close gracefully on
// SIGTERM/SIGINT. Everything testable lives in app.ts.
import { createLogger, createServiceMetrics, exitOnStartupError, onShutdownSignal, startTracing } from '@freshet/telemetry';
import { buildUpstreamSimApp } from './app';
import { loadUpstreamSimConfig, type UpstreamSimConfig } from './config';
import { SERVICE_NAME } from './constants';

let config: UpstreamSimConfig;
try {
  config = loadUpstreamSimConfig();
} catch (error) {
  exitOnStartupError(createLogger(SERVICE_NAME), error);
}

const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
try {
  // An upstream that traces: ingest's requests carry `traceparent`, so its spans join (decision 0013).
  const tracing = startTracing({ service: SERVICE_NAME, logger });
  const metrics = createServiceMetrics(SERVICE_NAME);
  const app = await buildUpstreamSimApp({
    seed: config.SIM_SEED,
    datasets: config.SIM_DATASETS,
    pageSize: config.SIM_PAGE_SIZE,
    cacheMaxAgeSeconds: config.SIM_CACHE_MAX_AGE_SECONDS,
    errorLimit: config.SIM_ERROR_LIMIT,
    errorWindowSeconds: config.SIM_ERROR_WINDOW_SECONDS,
    logger,
    metrics,
  });
  onShutdownSignal(
    logger,
    async () => {
      await app.close();
      await metrics.shutdown();
      await tracing.shutdown();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS },
  );
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  exitOnStartupError(logger, error);
}
