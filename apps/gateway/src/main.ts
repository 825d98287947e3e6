// Process entry: the gateway runs as every service does (libs/telemetry runService: logger,
// tracing before anything runs, graceful stop, start-up errors exit 1). Nothing else.
import { runService } from '@freshet/telemetry';
import { loadGatewayConfig } from './config';
import { startGateway } from './service';

await runService({ service: 'gateway', loadConfig: loadGatewayConfig, start: startGateway });
