// A token bucket per dataset: `burst` tokens at most, refilled at `requestsPerSecond`.
// Each admitted request takes one token; with none left the answer is 429 and
// Retry-After says how many whole seconds until a token is back. Time comes in as
// epoch ms, so tests drive it with a manual clock.

export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly limit: RateLimit,
    nowMs: number,
  ) {
    this.tokens = limit.burst;
    this.lastMs = nowMs;
  }

  /** Takes a token if there is one. */
  take(nowMs: number): TakeResult {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    const waitMs = ((1 - this.tokens) / this.limit.requestsPerSecond) * 1000;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Tokens available now (fractional while refilling). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsedMs / 1000) * this.limit.requestsPerSecond);
    this.lastMs = Math.max(this.lastMs, nowMs);
  }
}
