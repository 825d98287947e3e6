// One HTTP request of a sync: URL with the source's query, the strategy's and the
// paging style's parameters, auth from a secret reference, conditional headers; the
// answer classified into a body, a 304, or a typed error.
import { createHash } from 'node:crypto';
import type { HttpConnector } from '@freshet/contracts';
import { InvalidUpstreamPageError, UpstreamHttpError, UpstreamUnavailableError } from '../connector-errors';
import { resolveSecret, type SecretSources } from './secrets';
import type { GateUpstream, UpstreamGate } from './upstream-gate';
import { inUpstreamSpan } from './upstream-span';

export interface PageAnswer {
  status: number;
  url: string;
  headers: Headers;
  /** undefined for a 304. */
  body: unknown;
}

export interface RequestPageOptions {
  params: Record<string, string>;
  url?: string;
  ifNoneMatch?: string;
  pageIndex: number;
  fetch: typeof globalThis.fetch;
  gate: UpstreamGate;
  secrets: SecretSources;
  signal?: AbortSignal;
}

export function upstreamIdOf(config: HttpConnector): string {
  return config.upstreamId ?? new URL(config.baseUrl).host;
}

export function parseRetryAfter(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

async function buildRequest(config: HttpConnector, options: RequestPageOptions): Promise<{ url: string; headers: Record<string, string>; credentialId?: string }> {
  // Joined as text: new URL('/items', 'https://h/api') would drop the base's /api.
  const url = new URL(options.url ?? config.baseUrl.replace(/\/+$/, '') + config.path);
  if (!options.url) {
    for (const [k, v] of Object.entries({ ...config.query, ...options.params })) url.searchParams.set(k, v);
  }
  const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
  if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
  const auth = config.auth;
  if (auth.type === 'none') return { url: url.toString(), headers };
  const secret = await resolveSecret(auth.secret, options.secrets);
  // Limits are kept per credential too; the id is a one-way digest, never the secret.
  const credentialId = createHash('sha256').update(secret).digest('hex').slice(0, 16);
  if (auth.type === 'header') headers[auth.header.toLowerCase()] = secret;
  else if (auth.type === 'bearer') headers['authorization'] = `Bearer ${secret}`;
  else url.searchParams.set(auth.param, secret);
  return { url: url.toString(), headers, credentialId };
}

/** The URL as it may be logged or put in an error: secrets in the query are masked. */
export function redactUrl(config: HttpConnector, url: string): string {
  const parsed = new URL(url);
  // Followed URLs (Link headers) come from the upstream and may carry anything.
  parsed.username = '';
  parsed.password = '';
  if (config.auth.type === 'query' && parsed.searchParams.has(config.auth.param)) parsed.searchParams.set(config.auth.param, 'redacted');
  return parsed.toString();
}

export async function requestPage(config: HttpConnector, options: RequestPageOptions): Promise<PageAnswer> {
  const { url, headers, credentialId } = await buildRequest(config, options);
  const safeUrl = redactUrl(config, url);
  const upstreamId = upstreamIdOf(config);
  const upstream: GateUpstream = {
    id: upstreamId,
    credentialId,
    requestsPerSecond: config.rateLimit?.requestsPerSecond,
    burst: config.rateLimit?.burst,
    perPageDelayMs: config.perPageDelayMs,
  };
  await options.gate.acquire(upstream, options.signal);

  const traced = { method: 'GET', safeUrl, upstreamId, pageIndex: options.pageIndex };
  return options.gate.execute(upstreamId, () =>
    inUpstreamSpan(traced, headers, async (sentHeaders, noteStatus) => {
      let response: Response;
      try {
        const signals = [AbortSignal.timeout(config.timeoutMs), ...(options.signal ? [options.signal] : [])];
        // Redirects are not followed: a custom secret header would travel to the new host.
        response = await options.fetch(url, { headers: sentHeaders, redirect: 'manual', signal: AbortSignal.any(signals) });
      } catch (error) {
        throw new UpstreamUnavailableError(safeUrl, error);
      }
      noteStatus(response.status);
      await options.gate.observe(upstreamId, { status: response.status, headers: response.headers });
      if (response.status === 304) {
        await response.body?.cancel();
        return { status: 304, url, headers: response.headers, body: undefined };
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new UpstreamHttpError(response.status, safeUrl, parseRetryAfter(response.headers.get('retry-after')));
      }
      // Read, then parse: a body that stalls is the upstream being unavailable, not bad data.
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw new UpstreamUnavailableError(safeUrl, error);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (error) {
        throw new InvalidUpstreamPageError(safeUrl, options.pageIndex, `body is not JSON (${(error as Error).message})`);
      }
      return { status: response.status, url, headers: response.headers, body };
    }),
  );
}
