// The browser session: a JWT in the `freshet_session` cookie, because EventSource cannot
// send an Authorization header. HttpOnly (no script can read it), SameSite=Strict (never
// sent on a cross-site request), Path=/, Secure unless configured off for local http, and
// it expires with the JWT. Cookies ride along automatically, so a state-changing request
// authenticated by the cookie must also carry `x-freshet-csrf: 1`: a cross-site form cannot
// set a header, and a cross-site fetch that does needs a CORS preflight we do not grant.
//
// Written and read here rather than with @fastify/cookie: its standalone parse/serialize
// only work once its plugin has been registered (they load the `cookie` module lazily), and
// authentication must not depend on plugin order. The value is a JWT, whose characters
// (base64url and '.') need no encoding in a cookie.
import type { IncomingHttpHeaders } from 'node:http';
import { AuthProblem } from './auth-problem';

export const SESSION_COOKIE = 'freshet_session';
export const CSRF_HEADER = 'x-freshet-csrf';
/** Browsers drop cookies over about 4 KB; refuse a JWT that would be silently lost. */
export const MAX_SESSION_COOKIE_TOKEN_LENGTH = 3_800;

const SAFE_METHODS = new Set(['GET', 'HEAD']);

const COOKIE_SAFE_VALUE = /^[A-Za-z0-9._-]*$/;

function setCookie(value: string, maxAgeS: number, secure: boolean, extra: string[] = []): string {
  if (!COOKIE_SAFE_VALUE.test(value)) throw new Error('a session cookie holds a JWT: base64url and dots only');
  return [`${SESSION_COOKIE}=${value}`, `Max-Age=${maxAgeS}`, ...extra, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

/** The Set-Cookie value for a session holding `token` until `expiresAt` (epoch ms). */
export function sessionCookie(token: string, options: { expiresAt: number; now: number; secure: boolean }): string {
  return setCookie(token, Math.max(0, Math.floor((options.expiresAt - options.now) / 1000)), options.secure);
}

/** Same attributes, empty and already expired: how a cookie is deleted. */
export function clearedSessionCookie(secure: boolean): string {
  return setCookie('', 0, secure, ['Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
}

/** The session cookie's value in a Cookie header (RFC 6265 §4.2: `name=value; name=value`). */
export function readSessionCookie(headers: IncomingHttpHeaders): string | undefined {
  for (const pair of (headers.cookie ?? '').split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1');
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** 403 for a cookie-authenticated request that changes state without the CSRF header. */
export function checkCookieCsrf(method: string, headers: IncomingHttpHeaders): void {
  if (SAFE_METHODS.has(method.toUpperCase())) return;
  if (headers[CSRF_HEADER] === '1') return;
  throw new AuthProblem(403, 'CSRF_HEADER_REQUIRED', `a ${method.toUpperCase()} authenticated by the session cookie must send the header ${CSRF_HEADER}: 1`);
}
