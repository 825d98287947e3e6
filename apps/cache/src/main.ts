// Process entry: the cache runs as every service does (libs/telemetry runService: logger,
// tracing before anything runs, graceful stop, start-up errors exit 1). Nothing else.
import { runService } from '@freshet/telemetry';
import { loadCacheConfig } from './config';
import { startCache } from './service';

await runService({ service: 'cache', loadConfig: loadCacheConfig, start: startCache });
