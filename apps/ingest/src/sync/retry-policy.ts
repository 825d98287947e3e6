// Whether a failed attempt is tried again, and after how long. Exponential from a base
// (doubling per attempt), capped; an upstream's Retry-After wins when it asks for longer.
import { ConnectorError, UpstreamHttpError } from '@freshet/connectors';
import type { JobError } from '@freshet/contracts';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs?: number;
}

export interface RetryDecision {
  willRetry: boolean;
  delayMs: number;
  error: JobError;
}

/** The upstream asked us to slow down (429, ESI's 420): waiting it out is not a failed attempt. */
export const RATE_LIMITED = 'UPSTREAM_RATE_LIMITED';

export function classifyError(error: unknown): JobError {
  if (error instanceof UpstreamHttpError && (error.status === 429 || error.status === 420)) {
    return { code: RATE_LIMITED, message: error.message, retryable: true };
  }
  if (error instanceof ConnectorError) return { code: error.code, message: error.message, retryable: error.retryable };
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  // A concurrent sync of the same source committed first: run again on fresh state.
  if (code === 'WRONG_EXPECTED_VERSION') return { code, message, retryable: true };
  return { code: typeof code === 'string' ? code : 'SYNC_FAILED', message, retryable: true };
}

export function decideRetry(error: unknown, attempt: number, policy: RetryPolicy): RetryDecision {
  const jobError = classifyError(error);
  // A rate-limit answer does not use up an attempt: the job waits for as long as the
  // upstream asks (the shared pause makes every replica wait too) and tries again.
  const willRetry = jobError.code === RATE_LIMITED || (jobError.retryable && attempt < policy.maxAttempts);
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs ?? 3_600_000);
  const retryAfter = error instanceof UpstreamHttpError ? (error.retryAfterMs ?? 0) : 0;
  return { willRetry, delayMs: Math.max(backoff, retryAfter), error: jobError };
}
