// JSON requests to the gateway's REST API: credentials, a timeout, answers validated with
// the contracts' schemas, and every failure as a FreshetClientError.
import type { z } from 'zod';
import type { ClientAuth } from '../types';
import { authHeaders, credentialsOf } from './auth';
import { prefetchedOr } from '../prefetch/prefetch';
import { FreshetClientError, errorFromResponse, toClientError } from './client-error';
import { buildUrl, type QueryValue } from './urls';

export { buildUrl, type QueryValue } from './urls';

export interface HttpClientOptions {
  baseUrl: string;
  auth: ClientAuth;
  fetch: typeof fetch;
  timeoutMs: number;
}

export interface RequestOptions<S extends z.ZodType> {
  query?: Record<string, QueryValue>;
  schema: S;
  signal?: AbortSignal;
}

export interface HttpClient {
  readonly options: HttpClientOptions;
  get<S extends z.ZodType>(path: string, options: RequestOptions<S>): Promise<z.output<S>>;
  /** A POST without a body (the gateway's defaults apply). */
  post<S extends z.ZodType>(path: string, options: RequestOptions<S>): Promise<z.output<S>>;
  url(path: string, query?: Record<string, QueryValue>): string;
}

/** A signal that aborts on the caller's signal or after the timeout, whichever comes first. */
function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  if (signal === undefined) return timeout;
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([signal, timeout]) : signal;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const send = async <S extends z.ZodType>(method: 'GET' | 'POST', path: string, request: RequestOptions<S>): Promise<z.output<S>> => {
    const url = buildUrl(options.baseUrl, path, request.query);
    let response: Response;
    try {
      const credentials = credentialsOf(options.auth);
      const ask = async () =>
        options.fetch(url, {
          method,
          headers: { accept: 'application/json', ...(await authHeaders(options.auth, method)) },
          ...(credentials ? { credentials } : {}),
          signal: withTimeout(request.signal, options.timeoutMs),
        });
      // A GET the page's boot script already asked (../prefetch) is answered from there.
      response = method === 'GET' ? await prefetchedOr(url, ask) : await ask();
    } catch (error) {
      throw toClientError(error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new FreshetClientError({ code: 'BAD_RESPONSE', message: `${method} ${path}: the answer is not JSON`, status: response.status }, { cause: error });
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      throw new FreshetClientError({ code: 'BAD_RESPONSE', message: `${method} ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`, status: response.status });
    }
    return parsed.data;
  };
  return {
    options,
    get: (path, request) => send('GET', path, request),
    post: (path, request) => send('POST', path, request),
    url: (path, query) => buildUrl(options.baseUrl, path, query),
  };
}
