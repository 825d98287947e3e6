// Authentication and authorization failures. They are HttpProblems (the error handler turns
// them into `{ error, message }`), plus the headers HTTP requires with them: a 401 must say
// how to authenticate (`WWW-Authenticate`, RFC 9110 §15.5.2; RFC 6750 for Bearer), and a
// failed session cookie is cleared. registerErrorHandler writes no headers of an
// HttpProblem, so `setAuthProblemHeaders` (an onError hook, which Fastify runs before the
// error handler) copies them onto the reply.
//
// Messages say precisely what is wrong with the credential, never what the credential is.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '@freshet/telemetry';
import { hasScope, type Principal, type Scope } from './principal';

export const AUTH_REALM = 'freshet';

export class AuthProblem extends HttpProblem {
  constructor(
    statusCode: 400 | 401 | 403,
    code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(statusCode, code, message);
    this.name = 'AuthProblem';
  }

  /** The same problem with one more header (e.g. clearing the session cookie that held the failing credential). */
  withHeader(name: string, value: string): AuthProblem {
    return new AuthProblem(this.statusCode as 400 | 401 | 403, this.code, this.message, { ...this.headers, [name]: value });
  }
}

/** A quoted-string of an auth-param: printable ASCII without `"` or `\`. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]|["\\]/g, '')}"`;
}

/** 401 when no credential was sent: no `error` attribute (RFC 6750 §3.1). */
export function unauthenticated(message: string): AuthProblem {
  return new AuthProblem(401, 'UNAUTHENTICATED', message, { 'www-authenticate': `Bearer realm=${quoted(AUTH_REALM)}` });
}

/** 401 for a credential that was sent but is not valid (malformed, expired, forged, used …). */
export function invalidCredential(code: string, message: string): AuthProblem {
  return new AuthProblem(401, code, message, {
    'www-authenticate': `Bearer realm=${quoted(AUTH_REALM)}, error="invalid_token", error_description=${quoted(message)}`,
  });
}

/** 403 when the credential is valid but lacks a scope (RFC 6750 §3.1 `insufficient_scope`). */
export function requireScope(principal: Principal, scope: Scope): void {
  if (hasScope(principal, scope)) return;
  throw new AuthProblem(403, 'MISSING_SCOPE', `this needs scope ${scope}, which the credential does not grant`, {
    'www-authenticate': `Bearer realm=${quoted(AUTH_REALM)}, error="insufficient_scope", scope=${quoted(scope)}`,
  });
}

/** onError hook: puts an AuthProblem's headers on the error reply. */
export async function setAuthProblemHeaders(_request: FastifyRequest, reply: FastifyReply, error: unknown): Promise<void> {
  if (error instanceof AuthProblem) reply.headers(error.headers);
}
