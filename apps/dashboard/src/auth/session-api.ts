// The page's session with the gateway. The token a reader pastes (or brings in the URL
// fragment) is exchanged once for the HttpOnly `freshet_session` cookie (POST /v1/session,
// the client's openSession); from then on the page holds no credential at all: the cookie
// rides along with same-origin requests, and GET /v1/session says which tenant and scopes
// it carries and until when.
import { closeSession as clearCookie, openSession as exchangeToken } from '@freshet/client';
import { SESSION_PATH, clearPrefetched, prefetchedOr } from '@freshet/client/prefetch';
import { errorReason } from '../app/error-reason';
import { browserStorage, forgetFirstScreen } from '../boot/first-screen-hint';

export interface Session {
  tenant: string;
  scopes: string[];
  /** ISO instant; null for a credential that never expires. */
  expiresAt: string | null;
}

export type SessionAnswer = { ok: true; session: Session } | { ok: false; status: number; code: string; message: string };

/** Reads a /v1/session answer; anything unexpected is a failure with a code, never a throw. */
export function parseSessionAnswer(status: number, body: unknown): SessionAnswer {
  const value = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (status === 200) {
    const { tenant, scopes, expiresAt } = value;
    if (typeof tenant === 'string' && Array.isArray(scopes) && scopes.every((s) => typeof s === 'string') && (expiresAt === null || typeof expiresAt === 'string')) {
      return { ok: true, session: { tenant, scopes: scopes as string[], expiresAt } };
    }
    return { ok: false, status, code: 'BAD_SESSION_ANSWER', message: 'the gateway answered /v1/session with something unexpected' };
  }
  const code = typeof value['error'] === 'string' ? value['error'] : `HTTP_${status}`;
  const message = typeof value['message'] === 'string' ? value['message'] : `the gateway answered ${status}`;
  return { ok: false, status, code, message };
}

/** Milliseconds until the session ends (setTimeout's ceiling at most), or undefined when it never does. */
export function msUntilExpiry(session: Session, now: number): number | undefined {
  if (session.expiresAt === null) return undefined;
  const at = Date.parse(session.expiresAt);
  if (Number.isNaN(at)) return undefined;
  return Math.min(2 ** 31 - 1, Math.max(0, at - now));
}

export function hasScope(session: Session, scope: string): boolean {
  return session.scopes.includes(scope);
}

async function call(init: RequestInit): Promise<SessionAnswer> {
  try {
    const ask = () => fetch(SESSION_PATH, { credentials: 'same-origin', cache: 'no-store', ...init });
    // The boot script may have asked already (boot.ts).
    const response = init.method === 'GET' ? await prefetchedOr(SESSION_PATH, ask) : await ask();
    const body: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    return parseSessionAnswer(response.status, body);
  } catch (error) {
    return { ok: false, status: 0, code: 'NETWORK_ERROR', message: `could not reach the gateway: ${(error as Error).message}` };
  }
}

/** The session the cookie carries, if any. */
export function readSession(): Promise<SessionAnswer> {
  return call({ method: 'GET' });
}

/** Exchanges a token for the session cookie. The token is sent once, in a header, and not kept. */
export async function openSession(token: string): Promise<SessionAnswer> {
  try {
    return { ok: true, session: await exchangeToken({ baseUrl: '', token }) };
  } catch (error) {
    const reason = errorReason(error);
    return { ok: false, status: reason.status ?? 0, code: reason.code, message: reason.message };
  }
}

/** Clears the cookie (the gateway needs no credential for that); signing out never fails on the page. */
export async function closeSession(): Promise<void> {
  clearPrefetched();
  forgetFirstScreen(browserStorage());
  await clearCookie({ baseUrl: '' }).catch(() => undefined);
}
