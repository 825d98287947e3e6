// Public entry of the upstream protection layer (re-exported by the connectors lib).
export { createUpstreamGuard, type UpstreamGuard, type UpstreamGuardOptions, type UpstreamLimits } from './upstream-guard';
export { decidePause, parseRetryAfterMs, type PauseDecision, type PauseRules } from './decide-pause';
export { isUpstreamDownError } from './upstream-down';
export type { CircuitOptions, CircuitStateName } from './circuit-breakers';
export { InvalidUpstreamLimitsError, UpstreamCircuitOpenError, UpstreamGuardUnavailableError } from './upstream-guard-errors';
export { upstreamKeys, type UpstreamKeys } from './upstream-keys';
export {
  CIRCUIT_OPEN_METRIC,
  PAUSES_METRIC,
  THROTTLE_WAITS_METRIC,
  THROTTLE_WAIT_SECONDS_METRIC,
  type PauseReason,
  type WaitReason,
} from './limits.constants';
export { guardGate } from './guard-gate';
export { createRequestBudget, decideBudget, spendingGate, type BudgetDecision, type BudgetStatus, type RequestBudget } from './request-budget';
export { createConcurrencyLimiter, type ConcurrencyLease, type ConcurrencyLimiter } from './concurrency-limiter';
