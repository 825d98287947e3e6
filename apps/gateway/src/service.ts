// Wires the gateway: bus connection (streams provisioned idempotently, so the gateway
// can start before ingest) and the HTTP server; stop() closes streams, then drains.
import { closeBus, connectBus, ensureStreams, topologyFromConfig } from '@freshet/bus';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildGatewayApp } from './app';
import type { GatewayConfig } from './config';

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(config: Readonly<GatewayConfig>, logger: Logger): Promise<RunningGateway> {
  const metrics = createServiceMetrics('gateway');
  const nc = await connectBus({ servers: config.NATS_URL, name: 'gateway', logger });
  await ensureStreams(
    nc,
    topologyFromConfig(config),
    logger,
  );
  const app = await buildGatewayApp({ config, nc, logger, metrics });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, 'gateway listening');
  return {
    url,
    async stop() {
      // Open SSE responses would hold close() for ever; end them first.
      app.server.closeAllConnections();
      await app.close();
      await closeBus(nc);
      await metrics.shutdown();
    },
  };
}
