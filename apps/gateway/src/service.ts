// Wires the gateway: the bus (streams provisioned idempotently, so the gateway can start
// before ingest), access, the fan-out hub (one reader of the events stream per process),
// the demand signal and the HTTP server. stop(): end open streams, close the server, stop
// the hub, withdraw the demand keys, then drain the bus.
import { closeBus, connectBus, ensureStreams, topologyFromConfig } from '@freshet/bus';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildGatewayApp } from './app';
import { createAuthenticator } from './auth/authenticator';
import type { GatewayConfig } from './config';
import { createDemandPublisher } from './demand/demand-publisher';
import { startFanoutHub } from './stream';

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

export async function startGateway(config: Readonly<GatewayConfig>, logger: Logger): Promise<RunningGateway> {
  const metrics = createServiceMetrics('gateway');
  const nc = await connectBus({ servers: config.NATS_URL, name: 'gateway', logger });
  await ensureStreams(nc, topologyFromConfig(config), logger);
  const auth = await createAuthenticator({ config, nc, logger });
  const hub = await startFanoutHub({ nc, prefix: config.FRESHET_SUBJECT_PREFIX, eventsStream: config.FRESHET_EVENTS_STREAM, logger, meter: metrics.meter });
  const demand = createDemandPublisher({
    nc,
    prefix: config.FRESHET_SUBJECT_PREFIX,
    instanceId: config.GATEWAY_INSTANCE_ID,
    ttlMs: config.GATEWAY_DEMAND_TTL_MS,
    refreshMs: config.GATEWAY_DEMAND_REFRESH_MS,
    replicas: config.FRESHET_STREAM_REPLICAS,
    logger,
  });
  const app = await buildGatewayApp({ config, nc, logger, metrics, auth, hub, onWatch: demand.watch });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, 'gateway listening');
  return {
    url,
    async stop() {
      // Open SSE responses would hold close() for ever; end them first.
      app.server.closeAllConnections();
      await app.close();
      await hub.stop();
      await demand.stop();
      await auth.close();
      await closeBus(nc);
      await metrics.shutdown();
    },
  };
}
