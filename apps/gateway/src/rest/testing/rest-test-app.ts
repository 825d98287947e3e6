// A gateway app for the REST tests, built as app.ts is expected to wire it: the service's
// error handler, the observability routes, the HTTP policies, OpenAPI, then the REST
// routes — on the real NATS, with a stand-in authentication: `Authorization: Bearer
// test.<tenant>.<scope>+<scope>` is a principal of that tenant with those scopes.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { createServiceMetrics, HttpProblem, observabilityPlugin, registerErrorHandler } from '@freshet/telemetry';
import type { Principal, Scope } from '../../auth/principal';
import type { Authenticate } from '../access';
import { registerHttpPolicies, type HttpPolicyOptions } from '../http-policies';
import { registerOpenApi } from '../open-api';
import { restRoutes } from '../rest-routes';

export const silentLogger = pino({ level: 'silent' });

export const testAuthenticate: Authenticate = async (request) => {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token?.startsWith('test.')) throw new HttpProblem(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <token>');
  const [, tenant = '', scopes = ''] = token.split('.');
  const principal: Principal = { subject: `user-of-${tenant}`, tenant, scopes: new Set(scopes.split('+').filter(Boolean) as Scope[]), kind: 'jwt', credentialId: token };
  return principal;
};

export function bearer(tenant: string, ...scopes: Scope[]): Record<string, string> {
  return { authorization: `Bearer test.${tenant}.${scopes.join('+')}` };
}

export interface RestTestAppOptions {
  nc: NatsConnection;
  subjectPrefix: string;
  eventsStream: string;
  policies?: Partial<HttpPolicyOptions>;
  /** Registers more routes after the REST ones (e.g. a stand-in SSE route). */
  extra?: (app: FastifyInstance) => Promise<void>;
}

export async function buildRestTestApp(options: RestTestAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: silentLogger as FastifyBaseLogger });
  registerErrorHandler(app);
  await app.register(observabilityPlugin, { service: 'gateway-rest-test', metrics: createServiceMetrics('gateway-rest-test'), readiness: {} });
  await registerHttpPolicies(app, { GATEWAY_CORS_ORIGINS: [], GATEWAY_RATE_LIMIT_PER_MIN: 10_000, GATEWAY_BODY_LIMIT_BYTES: 65_536, ...options.policies });
  await registerOpenApi(app);
  await app.register(restRoutes, {
    nc: options.nc,
    subjectPrefix: options.subjectPrefix,
    eventsStream: options.eventsStream,
    rpcTimeoutMs: 300,
    logger: silentLogger,
    authenticate: testAuthenticate,
  });
  await options.extra?.(app);
  await app.ready();
  return app;
}

/**
 * A stand-in for another service's RPC on the real NATS: answers what `handler` returns,
 * or nothing at all when it returns undefined (a service that does not answer).
 */
export function standIn(nc: NatsConnection, subject: string, handler: (request: Record<string, unknown>) => unknown, seen?: Array<Record<string, unknown>>): Subscription {
  return nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      const request = msg.json<Record<string, unknown>>();
      seen?.push(request);
      const answer = handler(request);
      if (answer !== undefined) msg.respond(JSON.stringify(answer));
    },
  });
}
