// Who may call a REST route: an `onRequest` hook that authenticates the caller (401 from
// `authenticate`), then refuses a path tenant other than the credential's (403
// FOREIGN_TENANT) and a missing scope (403 MISSING_SCOPE) — before the request's body is
// read or its parameters validated, so a caller without access learns nothing about the
// route beyond that. Every answer after it is the caller's tenant's, and `no-store`.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HttpProblem } from '@freshet/telemetry';
import { hasScope, type Principal, type Scope } from '../auth/principal';

/** Authenticates a request: resolves its principal, or throws (an HttpProblem 401). */
export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

const principals = new WeakMap<FastifyRequest, Principal>();

export function requireAccess(authenticate: Authenticate, scope: Scope): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const principal = await authenticate(request);
    // Compared before validation: the credential's tenant is a valid id, so anything equal to it is one too.
    const tenant = (request.params as { tenant?: unknown } | undefined)?.tenant;
    if (tenant !== principal.tenant) {
      throw new HttpProblem(403, 'FOREIGN_TENANT', `this credential is for tenant ${principal.tenant}; it cannot reach another tenant's data`);
    }
    if (!hasScope(principal, scope)) throw new HttpProblem(403, 'MISSING_SCOPE', `this needs scope ${scope}`);
    principals.set(request, principal);
    reply.header('cache-control', 'no-store');
  };
}

/** The principal `requireAccess` admitted for this request. */
export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request);
  if (!principal) throw new Error(`no principal for ${request.method} ${request.url}: the route has no requireAccess hook`);
  return principal;
}
