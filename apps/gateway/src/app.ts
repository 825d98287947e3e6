// Builds the gateway's HTTP surface as a testable app. Order matters: the error handler and
// the HTTP policies (body limit, CORS, rate limit) before any route, OpenAPI before the
// routes it documents, the access routes (session, tickets) and their auth-failure hook on
// the root instance, then the streams, the REST API and, last, the dashboard's files.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import { observabilityPlugin, registerErrorHandler, type Logger, type ServiceMetrics } from '@freshet/telemetry';
import type { Authenticator } from './auth/authenticator';
import { urlRedactingSerializers } from './auth/log-redaction';
import type { GatewayConfig } from './config';
import { registerDashboard } from './dashboard/dashboard.routes';
import { registerHttpPolicies } from './rest/http-policies';
import { registerOpenApi } from './rest/open-api';
import { restRoutes } from './rest/rest-routes';
import { streamRoutes, type FanoutHub } from './stream';

export interface GatewayAppOptions {
  config: Readonly<GatewayConfig>;
  nc: NatsConnection;
  logger: Logger;
  metrics: ServiceMetrics;
  auth: Authenticator;
  hub: FanoutHub;
  /** Demand signal: a source channel of an open stream is watched until it closes. */
  onWatch?: (tenant: string, source: string) => () => void;
}

export async function buildGatewayApp({ config, nc, logger, metrics, auth, hub, onWatch }: GatewayAppOptions): Promise<FastifyInstance> {
  // Tickets ride in stream URLs; request logs must never show them.
  const app = Fastify({
    loggerInstance: logger.child({}, { serializers: urlRedactingSerializers }) as FastifyBaseLogger,
    // Per-IP limits must see clients, not the proxy in front (a hop count, never "trust all").
    ...(config.GATEWAY_TRUSTED_PROXY_HOPS > 0 ? { trustProxy: (_address: string, hop: number) => hop < config.GATEWAY_TRUSTED_PROXY_HOPS } : {}),
  });
  registerErrorHandler(app);
  await registerHttpPolicies(app, config);
  await app.register(observabilityPlugin, { service: 'gateway', metrics, readiness: { nats: () => nc.flush() } });
  await registerOpenApi(app);
  await auth.registerRoutes(app);
  await app.register(streamRoutes, {
    nc,
    subjectPrefix: config.FRESHET_SUBJECT_PREFIX,
    eventsStream: config.FRESHET_EVENTS_STREAM,
    hub,
    config,
    logger,
    meter: metrics.meter,
    authenticate: (request) => auth.authenticate(request, { allowTicket: true }),
    ...(onWatch ? { onWatch } : {}),
  });
  await app.register(restRoutes, {
    nc,
    subjectPrefix: config.FRESHET_SUBJECT_PREFIX,
    eventsStream: config.FRESHET_EVENTS_STREAM,
    rpcTimeoutMs: config.GATEWAY_RPC_TIMEOUT_MS,
    logger,
    authenticate: (request) => auth.authenticate(request),
  });
  if (config.GATEWAY_DASHBOARD_DIR) await registerDashboard(app, { dir: config.GATEWAY_DASHBOARD_DIR });
  return app;
}
