// The gateway's HTTP policies, for every route registered after them:
// - CORS for the configured origins only (none: no CORS headers, same-origin pages only);
// - a request rate limit per credential (a hash of the bearer token or session cookie),
//   else per client IP, answering 429 RATE_LIMITED with Retry-After — never on /healthz,
//   /readyz, /metrics; checked before authentication, so a flood costs no token checks;
// - a body size limit (413 BODY_TOO_LARGE), malformed JSON 400 MALFORMED_JSON, and the
//   other Fastify request errors as the API's `{error, message}` problems.
//
// Call it on the root instance right after the error handler and before registering any
// route (routes registered earlier keep Fastify's defaults). The limit is counted per
// gateway replica (in memory): with N replicas behind a balancer a client gets up to N×.
import { createHash } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import { HttpProblem } from '@freshet/telemetry';
import { normalizeHttpError, rethrowNormalized } from './http-errors';
import type { RestConfig } from './rest-config';

export const SESSION_COOKIE = 'freshet_session';
export const RATE_LIMIT_EXEMPT_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

export interface HttpPolicyOptions extends Pick<RestConfig, 'GATEWAY_CORS_ORIGINS' | 'GATEWAY_RATE_LIMIT_PER_MIN' | 'GATEWAY_BODY_LIMIT_BYTES'> {
  /** Paths never rate-limited (default: /healthz, /readyz, /metrics). */
  rateLimitExemptPaths?: readonly string[];
  /** What requests are counted by (default: rateLimitKey). */
  rateLimitKey?: (request: FastifyRequest) => string;
}

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url').slice(0, 22);

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * The credential a request carries (never stored: a hash), else its client IP. Counted
 * before authentication, so an invalid token is counted too — under its own key, which
 * only gets it 401s.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^bearer\s+(\S+)/i.exec(authorization);
    if (match?.[1]) return `credential:${digest(match[1])}`;
  }
  const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
  if (session) return `credential:${digest(session)}`;
  return `ip:${request.ip}`;
}

export async function registerHttpPolicies(app: FastifyInstance, options: HttpPolicyOptions): Promise<void> {
  const exempt = new Set(options.rateLimitExemptPaths ?? RATE_LIMIT_EXEMPT_PATHS);

  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= options.GATEWAY_BODY_LIMIT_BYTES;
    const own = route.errorHandler;
    route.errorHandler = own
      ? function normalizeThenHandle(this: FastifyInstance, error: FastifyError, request, reply) {
          return own.call(this, normalizeHttpError(error, request) as FastifyError, request, reply);
        }
      : rethrowNormalized;
  });

  const origins = options.GATEWAY_CORS_ORIGINS;
  await app.register(fastifyCors, {
    origin: origins.length > 0 ? [...origins] : false,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'last-event-id', 'x-freshet-csrf'],
    exposedHeaders: ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });

  // Not per route (`global: false`): one hook on the root instance, so it runs before the
  // routes' own onRequest hooks (authentication) and for unknown paths too.
  await app.register(fastifyRateLimit, {
    global: false,
    max: options.GATEWAY_RATE_LIMIT_PER_MIN,
    timeWindow: 60_000,
    keyGenerator: options.rateLimitKey ?? rateLimitKey,
    allowList: (request) => exempt.has(request.url.split('?')[0] ?? ''),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'RATE_LIMITED', `too many requests: at most ${context.max} a minute; retry in ${context.after}`),
  });
  app.addHook('onRequest', app.rateLimit());
}
