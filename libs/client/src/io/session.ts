// The browser's cookie session: POST /v1/session with a bearer JWT sets the HttpOnly
// `freshet_session` cookie (the page never holds the token afterwards); DELETE clears it.
// Then create the client with `auth: { kind: 'cookie' }`.
import { z } from 'zod';
import { FreshetClientError, errorFromResponse, toClientError } from './client-error';
import { buildUrl } from './http';

const sessionSchema = z.object({ tenant: z.string(), scopes: z.array(z.string()), expiresAt: z.string() });
export type Session = z.infer<typeof sessionSchema>;

interface SessionOptions {
  baseUrl: string;
  fetch?: typeof fetch;
}

const defaultFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export async function openSession(options: SessionOptions & { token: string }): Promise<Session> {
  let response: Response;
  try {
    response = await (options.fetch ?? defaultFetch)(buildUrl(options.baseUrl, '/v1/session'), {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
      credentials: 'include',
    });
  } catch (error) {
    throw toClientError(error);
  }
  if (!response.ok) throw await errorFromResponse(response);
  const parsed = sessionSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new FreshetClientError({ code: 'BAD_RESPONSE', message: 'POST /v1/session: unexpected answer', status: response.status });
  return parsed.data;
}

export async function closeSession(options: SessionOptions): Promise<void> {
  let response: Response;
  try {
    response = await (options.fetch ?? defaultFetch)(buildUrl(options.baseUrl, '/v1/session'), {
      method: 'DELETE',
      headers: { 'x-freshet-csrf': '1' },
      credentials: 'include',
    });
  } catch (error) {
    throw toClientError(error);
  }
  if (!response.ok) throw await errorFromResponse(response);
}
