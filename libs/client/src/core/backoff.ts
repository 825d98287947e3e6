// Reconnect delays: exponential from initialDelayMs, doubling to maxDelayMs, with jitter so
// that many clients dropped at once (a gateway restart) do not come back in lockstep.
import type { ReconnectOptions } from '../types';

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 1_000, maxDelayMs: 30_000, maxAttempts: 20, jitter: 0.5 };

/** The options with defaults, kept in range (a jitter outside 0..1 or a negative delay would make no sense). */
export function resolveBackoff(options: ReconnectOptions = {}): BackoffPolicy {
  const initialDelayMs = Math.max(0, options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs);
  return {
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs),
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts)),
    jitter: Math.min(1, Math.max(0, options.jitter ?? DEFAULT_BACKOFF.jitter)),
  };
}

/**
 * The delay before reconnect attempt `attempt` (1 = the first after a drop), or undefined
 * when the attempts are used up. `random` is in [0, 1); `atLeastMs` is a server's
 * Retry-After, which the delay never undercuts.
 */
export function reconnectDelay(attempt: number, policy: BackoffPolicy, random: number, atLeastMs = 0): number | undefined {
  if (attempt < 1 || attempt > policy.maxAttempts) return undefined;
  // 2 ** 30 is far past any ceiling; capping the exponent keeps the arithmetic finite.
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = base * (1 - policy.jitter * random);
  return Math.round(Math.max(jittered, atLeastMs));
}
