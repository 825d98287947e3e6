// The gateway's one authentication entry point (decision 0011, Access): turns a request's
// credential into a Principal, and serves the two endpoints that mint browser-friendly
// credentials (the session cookie, stream tickets). Routes call authenticate() and decide
// on the Principal; nothing else reads credentials.
import type { FastifyInstance } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConfigError } from '@freshet/config';
import { HttpProblem, type Logger } from '@freshet/telemetry';
import { createApiKeyStore, readApiKeysFile, type ApiKeyStore } from './api-key-store';
import { resolveAuthSettings, type GatewayAuthEnv } from './auth-config';
import { AuthProblem, invalidCredential, setAuthProblemHeaders, unauthenticated } from './auth-problem';
import { createJwtVerifier, type JwtVerifier } from './jwt-verifier';
import { presentedCredential, ticketNotAccepted, type CredentialRequest } from './presented-credential';
import type { Principal } from './principal';
import { sessionRoutes } from './session.routes';
import { checkCookieCsrf, clearedSessionCookie } from './session-cookie';
import { openTicketStore, ticketBucketName, type TicketStore } from './stream-tickets';
import { streamTicketRoutes } from './stream-tickets.routes';

export interface AuthenticateOptions {
  /** Accept a `?ticket=` (GET stream routes only). */
  allowTicket?: boolean;
}

export interface Authenticator {
  /** The caller's Principal, or a 400/401/403 HttpProblem (an AuthProblem) saying why not. */
  authenticate(request: CredentialRequest, options?: AuthenticateOptions): Promise<Principal>;
  /**
   * GET/POST/DELETE /v1/session and POST /v1/stream-tickets, and the onError hook that puts
   * `WWW-Authenticate` (and a cookie reset) on auth failures. Call it on the root instance
   * (not inside app.register) so the hook covers every route.
   */
  registerRoutes(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

export interface AuthenticatorOptions {
  /** FRESHET_STREAM_REPLICAS: the ticket bucket's copies (natsEnv; 1 when absent). */
  config: Readonly<GatewayAuthEnv & { FRESHET_SUBJECT_PREFIX: string; FRESHET_STREAM_REPLICAS?: number }>;
  /** Without a connection, stream tickets are unavailable (503) and everything else works. */
  nc?: NatsConnection;
  logger: Logger;
  /** The clock (tests). */
  now?: () => number;
}

/** Verifies the settings (throws ConfigError), reads the API keys file, opens the ticket bucket. */
export async function createAuthenticator({ config, nc, logger, now = Date.now }: AuthenticatorOptions): Promise<Authenticator> {
  const { settings, problems } = resolveAuthSettings(config);
  if (!settings) throw new ConfigError('gateway', problems);
  const jwt: JwtVerifier | undefined = settings.jwt ? await createJwtVerifier(settings.jwt, now) : undefined;
  const apiKeys: ApiKeyStore | undefined = settings.apiKeysFile ? createApiKeyStore(await readApiKeysFile(settings.apiKeysFile)) : undefined;
  const tickets: TicketStore | undefined = nc
    ? await openTicketStore({
        nc,
        bucket: ticketBucketName(config.FRESHET_SUBJECT_PREFIX),
        ttlMs: settings.ticketTtlMs,
        replicas: config.FRESHET_STREAM_REPLICAS ?? 1,
        logger,
        now,
      })
    : undefined;
  logger.info(
    { jwtAlgorithms: jwt?.algorithms ?? [], apiKeys: apiKeys?.size ?? 0, ticketBucket: tickets?.bucket ?? null, cookieSecure: settings.cookieSecure },
    'gateway access configured',
  );

  const accepted = (allowTicket: boolean) =>
    [
      ...(jwt || apiKeys ? [`Authorization: Bearer <${[jwt && 'JWT', apiKeys && 'API key'].filter(Boolean).join(' or ')}>`] : []),
      ...(jwt ? ['the freshet_session cookie (POST /v1/session)'] : []),
      ...(allowTicket ? ['?ticket=<stream ticket> (POST /v1/stream-tickets)'] : []),
    ].join(', or ');

  const verifyJwt = (token: string, kind: 'jwt' | 'cookie') => {
    if (!jwt) throw invalidCredential('JWT_NOT_ACCEPTED', 'this service accepts API keys only, not JWTs');
    return jwt.verify(token, kind);
  };

  const authenticate = async (request: CredentialRequest, options: AuthenticateOptions = {}): Promise<Principal> => {
    const credential = presentedCredential(request, options);
    switch (credential?.kind) {
      case undefined:
        throw unauthenticated(`authentication required: send ${accepted(options.allowTicket === true)}`);
      case 'jwt':
        return verifyJwt(credential.token, 'jwt');
      case 'api-key':
        if (!apiKeys) throw invalidCredential('API_KEY_NOT_ACCEPTED', 'this service accepts JWTs only, not API keys');
        return apiKeys.authenticate(credential.key);
      case 'ticket':
        if (!credential.accepted) {
          await tickets?.discard(credential.ticket);
          throw ticketNotAccepted();
        }
        if (!tickets) throw new HttpProblem(503, 'TICKETS_UNAVAILABLE', 'stream tickets are not available on this gateway; use the session cookie');
        return tickets.redeem(credential.ticket);
      case 'cookie': {
        let principal: Principal;
        try {
          principal = await verifyJwt(credential.token, 'cookie');
        } catch (error) {
          // The cookie holds a credential that will never work again: drop it.
          throw error instanceof AuthProblem ? error.withHeader('set-cookie', clearedSessionCookie(settings.cookieSecure)) : error;
        }
        checkCookieCsrf(request.method, request.headers);
        return principal;
      }
    }
  };

  return {
    authenticate,
    async registerRoutes(app) {
      app.addHook('onError', setAuthProblemHeaders);
      await sessionRoutes(app, { verifyJwt, authenticate: (request) => authenticate(request), cookieSecure: settings.cookieSecure, now });
      await streamTicketRoutes(app, { authenticate, tickets });
    },
    async close() {
      // Nothing is held open: the KV handle is a view on the shared connection, which the
      // service closes. Kept so callers need not change when something is.
    },
  };
}
