// Which credential a request presents, in the order the gateway honours them:
// 1. `Authorization: Bearer <JWT or API key>` (an API key starts with `fsk_`),
// 2. `?ticket=<stream ticket>` — only where the caller allows it (GET streams),
// 3. the `freshet_session` cookie.
// Pure: nothing is verified here. Credentials in the URL other than a ticket are refused
// (400), since URLs end up in logs, proxies and browser history; a ticket may be there
// only because it is single-use and short-lived.
import type { IncomingHttpHeaders } from 'node:http';
import { HttpProblem } from '@freshet/telemetry';
import { looksLikeApiKey } from './api-key';
import { AuthProblem, invalidCredential } from './auth-problem';
import { readSessionCookie } from './session-cookie';

export type PresentedCredential =
  | { kind: 'jwt'; token: string }
  | { kind: 'api-key'; key: string }
  /** `accepted: false`: a ticket where tickets are not accepted; the caller refuses it (and burns it). */
  | { kind: 'ticket'; ticket: string; accepted: boolean }
  | { kind: 'cookie'; token: string };

export interface CredentialRequest {
  method: string;
  headers: IncomingHttpHeaders;
  query: unknown;
}

export function ticketNotAccepted(): AuthProblem {
  return new AuthProblem(400, 'TICKET_NOT_ACCEPTED', 'stream tickets (?ticket=) authenticate GET stream requests only; this ticket is now void');
}

/** Query parameters that would put a long-lived credential in a URL. */
export const REFUSED_QUERY_CREDENTIALS = ['token', 'access_token'] as const;

export function presentedCredential(request: CredentialRequest, options: { allowTicket?: boolean } = {}): PresentedCredential | undefined {
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const name of REFUSED_QUERY_CREDENTIALS) {
    if (query[name] !== undefined) {
      throw new HttpProblem(400, 'CREDENTIAL_IN_URL', `credentials are not accepted in the URL (?${name}=): send Authorization: Bearer, use the session cookie, or a stream ticket (?ticket=)`);
    }
  }

  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) throw invalidCredential('UNSUPPORTED_AUTHORIZATION', 'the Authorization header must be "Bearer <JWT or API key>"');
    const token = match[1]!;
    return looksLikeApiKey(token) ? { kind: 'api-key', key: token } : { kind: 'jwt', token };
  }

  const ticket = query['ticket'];
  if (ticket !== undefined) {
    if (typeof ticket !== 'string') throw new AuthProblem(400, 'TICKET_NOT_ACCEPTED', 'send exactly one ?ticket=');
    return { kind: 'ticket', ticket, accepted: options.allowTicket === true && request.method === 'GET' };
  }

  const cookie = readSessionCookie(request.headers);
  return cookie === undefined ? undefined : { kind: 'cookie', token: cookie };
}
