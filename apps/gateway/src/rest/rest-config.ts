// The REST surface's HTTP policies, read from the environment: a zod shape fragment to
// spread into the gateway's config schema (`...restEnv`), like the shared fragments of
// @freshet/config.
import { z } from 'zod';

/** `https://app.example.com` — a browser origin: scheme, host and optional port, nothing else. */
function parseOrigin(entry: string, ctx: z.RefinementCtx): string {
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(entry)} is not an origin like https://app.example.com (scheme, host, optional port; no path, no trailing slash, no "*")` });
    return entry;
  }
  return url.origin;
}

export const restEnv = {
  /**
   * Browser origins allowed to call the gateway from another site, comma-separated
   * (credentials allowed: cookie sessions and EventSource withCredentials). Empty (the
   * default): no CORS headers at all, so only same-origin pages can read answers.
   */
  GATEWAY_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
        .map((entry) => parseOrigin(entry, ctx)),
    ),
  /** Requests per minute per credential (or per client IP without one) on every route but /healthz, /readyz and /metrics. */
  GATEWAY_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(600),
  /** Largest request body accepted (bytes); larger ones are refused with 413 BODY_TOO_LARGE. */
  GATEWAY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(10 * 1024 * 1024).default(65_536),
  /**
   * Behind a reverse proxy: how many proxy hops to trust for the client address
   * (X-Forwarded-For), so per-IP stream limits and rate limits count clients, not the proxy.
   * 0 (the default): the connection's own address.
   */
  GATEWAY_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
};

export const restConfigSchema = z.object(restEnv);
export type RestConfig = z.infer<typeof restConfigSchema>;
