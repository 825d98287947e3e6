// Process entry: build the app and listen, run as every service is (libs/telemetry
// runService: logger, tracing before anything runs — ingest's requests carry `traceparent`,
// so an upstream that traces joins their traces (decision 0013) — graceful stop, start-up
// errors exit 1). Everything testable lives in app.ts.
import { createServiceMetrics, runService } from '@freshet/telemetry';
import { buildUpstreamSimApp } from './app';
import { loadUpstreamSimConfig } from './config';
import { SERVICE_NAME } from './constants';

await runService({
  service: SERVICE_NAME,
  loadConfig: loadUpstreamSimConfig,
  start: async (config, logger) => {
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
    await app.listen({ port: config.PORT, host: config.HOST });
    return {
      async stop() {
        await app.close();
        await metrics.shutdown();
      },
    };
  },
});
