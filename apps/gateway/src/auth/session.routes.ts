// POST /v1/session: exchanges a bearer JWT for the `freshet_session` cookie (for
// EventSource, which cannot send headers); answers { tenant, scopes, expiresAt }.
// GET /v1/session: the same answer for the credential the request carries (cookie or
// bearer), so a page that cannot read its HttpOnly cookie can tell whether it is signed
// in and as which tenant; 401 otherwise. DELETE /v1/session: clears the cookie.
// Only a JWT can open a session: the cookie must expire, and an API key never does (nor
// should a server-side key end up in a browser).
import type { FastifyInstance } from 'fastify';
import { AuthProblem, unauthenticated } from './auth-problem';
import { looksLikeApiKey } from './api-key';
import type { CredentialRequest } from './presented-credential';
import type { Principal } from './principal';
import { clearedSessionCookie, MAX_SESSION_COOKIE_TOKEN_LENGTH, sessionCookie } from './session-cookie';

export interface SessionRouteOptions {
  verifyJwt(token: string, kind: 'jwt'): Promise<Principal>;
  /** Any credential but a ticket (tickets are for stream URLs only). */
  authenticate(request: CredentialRequest): Promise<Principal>;
  cookieSecure: boolean;
  now: () => number;
}

export async function sessionRoutes(app: FastifyInstance, options: SessionRouteOptions): Promise<void> {
  app.post('/v1/session', async (request, reply) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
    if (!match) throw unauthenticated('POST /v1/session needs Authorization: Bearer <JWT>');
    const token = match[1]!;
    if (looksLikeApiKey(token)) throw new AuthProblem(400, 'SESSION_NEEDS_JWT', 'a session is opened with a JWT; API keys cannot be put in a cookie');
    if (token.length > MAX_SESSION_COOKIE_TOKEN_LENGTH) {
      throw new AuthProblem(400, 'TOKEN_TOO_LARGE_FOR_COOKIE', `the token is longer than the ${MAX_SESSION_COOKIE_TOKEN_LENGTH} characters a cookie can reliably hold`);
    }
    const principal = await options.verifyJwt(token, 'jwt');
    // verifyJwt requires exp, so a session never outlives its token.
    const expiresAt = principal.expiresAt!;
    reply.header('set-cookie', sessionCookie(token, { expiresAt, now: options.now(), secure: options.cookieSecure }));
    reply.header('cache-control', 'no-store');
    return describeSession({ ...principal, expiresAt });
  });

  app.get('/v1/session', async (request, reply) => {
    const principal = await options.authenticate(request);
    reply.header('cache-control', 'no-store');
    return describeSession(principal);
  });

  // Unauthenticated on purpose: signing out must work with an expired or broken cookie,
  // and a cross-site page cannot send a DELETE without a CORS preflight.
  app.delete('/v1/session', async (_request, reply) => {
    reply.header('set-cookie', clearedSessionCookie(options.cookieSecure));
    reply.header('cache-control', 'no-store');
    return reply.code(204).send();
  });
}

/** `{tenant, scopes, expiresAt}`: what a page may know about its own credential (never the token). */
function describeSession(principal: Principal): { tenant: string; scopes: string[]; expiresAt: string | null } {
  // An API key never expires: null, not a made-up date.
  return {
    tenant: principal.tenant,
    scopes: [...principal.scopes].sort(),
    expiresAt: principal.expiresAt === undefined ? null : new Date(principal.expiresAt).toISOString(),
  };
}
