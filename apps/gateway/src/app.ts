// Builds the gateway's HTTP surface as a testable app: SSE stream, refresh, health.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifySse from '@fastify/sse';
import type { NatsConnection } from '@nats-io/transport-node';
import { observabilityPlugin, registerErrorHandler, type Logger, type ServiceMetrics } from '@freshet/telemetry';
import type { GatewayConfig } from './config';
import { refreshRoutes } from './routes/refresh.routes';
import { streamRoutes } from './routes/stream.routes';

export interface GatewayAppOptions {
  config: Readonly<GatewayConfig>;
  nc: NatsConnection;
  logger: Logger;
  metrics: ServiceMetrics;
}

export async function buildGatewayApp({ config, nc, logger, metrics }: GatewayAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, {
    service: 'gateway',
    metrics,
    readiness: { nats: () => nc.flush() },
  });
  await app.register(fastifySse, { heartbeatInterval: config.GATEWAY_HEARTBEAT_MS });
  const shared = { nc, subjectPrefix: config.FRESHET_SUBJECT_PREFIX, rpcTimeoutMs: config.GATEWAY_RPC_TIMEOUT_MS };
  await app.register(streamRoutes, { ...shared, eventsStream: config.FRESHET_EVENTS_STREAM, logger });
  await app.register(refreshRoutes, shared);
  return app;
}
