// Cache-Control and Expires of the public lists. `maxAgeSeconds` after each answer by
// default; `aligned` makes every answer expire at the same instant, the next multiple of
// maxAgeSeconds since the epoch, the way ESI's Expires follows its own cache timer (so
// max-age shrinks as that instant nears).

export interface CachePolicy {
  maxAgeSeconds: number;
  aligned: boolean;
}

export interface CacheHeaderValues {
  cacheControl: string;
  expires: string;
}

export function cacheHeaderValues(policy: CachePolicy, nowMs: number): CacheHeaderValues {
  const periodMs = policy.maxAgeSeconds * 1000;
  if (!policy.aligned || periodMs === 0) {
    return { cacheControl: `max-age=${policy.maxAgeSeconds}`, expires: new Date(nowMs + periodMs).toUTCString() };
  }
  const expiresMs = (Math.floor(nowMs / periodMs) + 1) * periodMs;
  return {
    cacheControl: `max-age=${Math.ceil((expiresMs - nowMs) / 1000)}`,
    expires: new Date(expiresMs).toUTCString(),
  };
}
