// Errors of the upstream protection layer. They extend ConnectorError so the job runner
// keeps deciding "retry later" or "fail now" from `retryable` alone.
import { ConnectorError } from '../connector-errors';

/** The upstream's circuit is open in this process: it failed repeatedly, so we do not call it. */
export class UpstreamCircuitOpenError extends ConnectorError {
  constructor(
    readonly upstreamId: string,
    /** Estimated time until the circuit lets a trial call through (0 when one may be running now). */
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      'UPSTREAM_CIRCUIT_OPEN',
      `upstream ${JSON.stringify(upstreamId)} is failing; calls are suspended for about ${Math.ceil(retryAfterMs / 1000)} s`,
      true,
      options,
    );
  }
}

/** The shared limiter state (Redis) could not be read or written; nothing was sent upstream. */
export class UpstreamGuardUnavailableError extends ConnectorError {
  constructor(upstreamId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('UPSTREAM_GUARD_UNAVAILABLE', `rate-limit state for upstream ${JSON.stringify(upstreamId)} is unavailable: ${reason}`, true, {
      cause,
    });
  }
}

/** Limits that cannot be enforced (a rate of 0, a fractional burst). A configuration bug. */
export class InvalidUpstreamLimitsError extends ConnectorError {
  constructor(upstreamId: string, reason: string) {
    super('INVALID_UPSTREAM_LIMITS', `limits of upstream ${JSON.stringify(upstreamId)} are invalid: ${reason}`, false);
  }
}
