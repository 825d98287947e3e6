// One circuit breaker per upstream (cockatiel), in this process only.
//
// Why per process is enough: the breaker protects a replica from waiting on an upstream
// that is down, and it costs the upstream at most `consecutiveFailures` failed calls per
// replica (plus one trial call per replica every `halfOpenAfterMs`) to learn it, each
// replica on its own. Sharing breaker state through Redis would add a round trip to every
// call and a failure mode (Redis down ⇒ every upstream "down") for little gain. Explicit
// backpressure, which must hold for everyone at once (429 Retry-After, a spent ESI error
// budget), travels through the shared pause instead.
//
// Only failures that mean "the upstream is down" count (see upstream-down.ts). Any other
// error is passed through to the caller but counts as a success for the breaker: the
// upstream answered, so it is up.
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { DEFAULT_CIRCUIT_CONSECUTIVE_FAILURES, DEFAULT_CIRCUIT_HALF_OPEN_AFTER_MS } from './limits.constants';
import { UpstreamCircuitOpenError } from './upstream-guard-errors';
import { isUpstreamDownError } from './upstream-down';

export interface CircuitOptions {
  /** Consecutive "down" failures that open the circuit. Default 5. */
  consecutiveFailures?: number;
  /** How long an open circuit fails fast before letting one trial call through. Default 30 s. */
  halfOpenAfterMs?: number;
  /** Which errors mean the upstream is down. Default isUpstreamDownError. */
  isFailure?: (error: unknown) => boolean;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open' | 'isolated';

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export interface CircuitEvents {
  onOpen(upstreamId: string, error: unknown): void;
  onHalfOpen(upstreamId: string): void;
  onClose(upstreamId: string): void;
}

export interface CircuitBreakers {
  execute<T>(upstreamId: string, fn: () => Promise<T>): Promise<T>;
  state(upstreamId: string): CircuitStateName;
}

interface Breaker {
  policy: CircuitBreakerPolicy;
  /** Date.now() when it last opened: cockatiel times halfOpenAfter with Date.now() too. */
  openedAt: number;
}

/** Carries an error the breaker must not count as a failure past cockatiel. */
class PassThrough {
  constructor(readonly error: unknown) {}
}

export function createCircuitBreakers(options: CircuitOptions, events: CircuitEvents): CircuitBreakers {
  const consecutiveFailures = options.consecutiveFailures ?? DEFAULT_CIRCUIT_CONSECUTIVE_FAILURES;
  const halfOpenAfterMs = options.halfOpenAfterMs ?? DEFAULT_CIRCUIT_HALF_OPEN_AFTER_MS;
  const isFailure = options.isFailure ?? isUpstreamDownError;
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 1) {
    throw new RangeError(`circuit consecutiveFailures must be an integer ≥ 1, got ${consecutiveFailures}`);
  }
  if (!Number.isFinite(halfOpenAfterMs) || halfOpenAfterMs < 0) {
    throw new RangeError(`circuit halfOpenAfterMs must be ≥ 0, got ${halfOpenAfterMs}`);
  }
  const breakers = new Map<string, Breaker>();

  function breakerFor(upstreamId: string): Breaker {
    const existing = breakers.get(upstreamId);
    if (existing) return existing;
    const policy = circuitBreaker(handleAll, { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(consecutiveFailures) });
    const breaker: Breaker = { policy, openedAt: 0 };
    policy.onBreak((reason) => {
      breaker.openedAt = Date.now();
      events.onOpen(upstreamId, 'error' in reason ? reason.error : reason);
    });
    policy.onHalfOpen(() => events.onHalfOpen(upstreamId));
    policy.onReset(() => events.onClose(upstreamId));
    breakers.set(upstreamId, breaker);
    return breaker;
  }

  return {
    async execute<T>(upstreamId: string, fn: () => Promise<T>): Promise<T> {
      const breaker = breakerFor(upstreamId);
      let outcome: T | PassThrough;
      try {
        outcome = await breaker.policy.execute(async () => {
          try {
            return await fn();
          } catch (error) {
            if (isFailure(error)) throw error;
            return new PassThrough(error);
          }
        });
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          const retryAfterMs = Math.max(0, breaker.openedAt + halfOpenAfterMs - Date.now());
          throw new UpstreamCircuitOpenError(upstreamId, retryAfterMs, { cause: error });
        }
        throw error;
      }
      if (outcome instanceof PassThrough) throw outcome.error;
      return outcome;
    },
    state(upstreamId) {
      const breaker = breakers.get(upstreamId);
      return breaker ? STATE_NAMES[breaker.policy.state] : 'closed';
    },
  };
}
