// Process entry: the ingest runs as every service does (libs/telemetry runService: logger,
// tracing before anything runs, graceful stop, start-up errors exit 1). Nothing else.
import { runService } from '@freshet/telemetry';
import { loadIngestConfig } from './config';
import { startIngest } from './service';

await runService({ service: 'ingest', loadConfig: loadIngestConfig, start: startIngest });
