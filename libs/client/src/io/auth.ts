// Credentials on requests. Cookie: the browser sends the session cookie (credentials
// 'include') and mutations carry the CSRF header the gateway demands of cookie-authenticated
// POST/DELETE. Bearer: the token (or what the token function returns now) in Authorization;
// never in a URL.
import type { ClientAuth } from '../types';

export async function authHeaders(auth: ClientAuth, method: string): Promise<Record<string, string>> {
  if (auth.kind === 'cookie') return method === 'GET' || method === 'HEAD' ? {} : { 'x-freshet-csrf': '1' };
  const token = typeof auth.token === 'function' ? await auth.token() : auth.token;
  return { authorization: `Bearer ${token}` };
}

export function credentialsOf(auth: ClientAuth): RequestCredentials | undefined {
  return auth.kind === 'cookie' ? 'include' : undefined;
}
