// Per-dataset traffic settings and their live state: rate limit (token bucket), ESI error
// budget, injected faults and cache headers. Set through the admin API, read by the
// public-traffic hooks on every list request. Pure (time comes in as epoch ms), keyed by
// dataset name; a name nobody configured gets the defaults. State for a name is created on
// its first request, so an unknown dataset's 404s spend its budget as ESI's would.
import type { CachePolicy } from './cache-policy';
import { ErrorBudget, type ErrorBudgetStatus } from './error-budget';
import { takeRequestFault, type Faults, type RequestFault } from './faults';
import { TokenBucket } from './token-bucket';

/** Limits as set through the admin API; anything not given takes its default. */
export interface LimitsInput {
  requestsPerSecond?: number | undefined;
  burst?: number | undefined;
  errorLimit?: number | undefined;
  errorWindowSeconds?: number | undefined;
}

/** Limits in effect: no rate limit while requestsPerSecond is null. */
export interface EffectiveLimits {
  requestsPerSecond: number | null;
  burst: number | null;
  errorLimit: number;
  errorWindowSeconds: number;
}

export interface PolicyDefaults {
  errorLimit: number;
  errorWindowSeconds: number;
  cache: CachePolicy;
}

export type Admission = { kind: 'admitted' } | { kind: 'errorLimited' } | { kind: 'rateLimited'; retryAfterSeconds: number };

export interface PolicyView {
  limits: EffectiveLimits;
  faults: Faults;
  cache: CachePolicy;
  errorBudget: ErrorBudgetStatus;
  /** Tokens left in the rate-limit bucket, or null without a rate limit. */
  rateLimitTokens: number | null;
}

interface Policy {
  limits: EffectiveLimits;
  bucket: TokenBucket | undefined;
  budget: ErrorBudget;
  faults: Faults;
  cache: CachePolicy | undefined;
}

export function effectiveLimits(input: LimitsInput, defaults: PolicyDefaults): EffectiveLimits {
  const rps = input.requestsPerSecond ?? null;
  return {
    requestsPerSecond: rps,
    burst: rps === null ? null : (input.burst ?? Math.max(1, Math.ceil(rps))),
    errorLimit: input.errorLimit ?? defaults.errorLimit,
    errorWindowSeconds: input.errorWindowSeconds ?? defaults.errorWindowSeconds,
  };
}

export class DatasetPolicies {
  private readonly policies = new Map<string, Policy>();

  constructor(private readonly defaults: PolicyDefaults) {}

  /** Replaces the dataset's limits; the bucket refills and the error budget restarts. */
  setLimits(name: string, input: LimitsInput, nowMs: number): EffectiveLimits {
    const policy = this.policy(name, nowMs);
    this.applyLimits(policy, effectiveLimits(input, this.defaults), nowMs);
    return policy.limits;
  }

  clearLimits(name: string, nowMs: number): void {
    this.setLimits(name, {}, nowMs);
  }

  setFaults(name: string, faults: Faults, nowMs: number): Faults {
    this.policy(name, nowMs).faults = { ...faults };
    return this.faults(name);
  }

  clearFaults(name: string, nowMs: number): void {
    this.setFaults(name, {}, nowMs);
  }

  setCache(name: string, cache: CachePolicy, nowMs: number): CachePolicy {
    this.policy(name, nowMs).cache = { ...cache };
    return this.cache(name);
  }

  clearCache(name: string): void {
    const policy = this.policies.get(name);
    if (policy) policy.cache = undefined;
  }

  /** Forgets everything about a dataset (it was deleted). */
  forget(name: string): void {
    this.policies.delete(name);
  }

  faults(name: string): Faults {
    return { ...(this.policies.get(name)?.faults ?? {}) };
  }

  cache(name: string): CachePolicy {
    return { ...(this.policies.get(name)?.cache ?? this.defaults.cache) };
  }

  view(name: string, nowMs: number): PolicyView {
    const policy = this.policy(name, nowMs);
    return {
      limits: { ...policy.limits },
      faults: this.faults(name),
      cache: this.cache(name),
      errorBudget: policy.budget.status(nowMs),
      rateLimitTokens: policy.bucket ? policy.bucket.available(nowMs) : null,
    };
  }

  /** Whether a request may proceed: refused while the error budget is spent, then by the rate limit. */
  admit(name: string, nowMs: number): Admission {
    const policy = this.policy(name, nowMs);
    if (policy.budget.exhausted(nowMs)) return { kind: 'errorLimited' };
    const taken = policy.bucket?.take(nowMs) ?? { ok: true };
    return taken.ok ? { kind: 'admitted' } : { kind: 'rateLimited', retryAfterSeconds: taken.retryAfterSeconds };
  }

  /** The fault this request meets (counting down one-shot faults), if any. */
  takeRequestFault(name: string, nowMs: number): RequestFault | undefined {
    const policy = this.policy(name, nowMs);
    const { fault, rest } = takeRequestFault(policy.faults);
    policy.faults = rest;
    return fault;
  }

  /** Records the status of an answer: 4xx and 5xx spend the error budget. Returns the budget after it. */
  recordAnswer(name: string, statusCode: number, nowMs: number): ErrorBudgetStatus {
    const { budget } = this.policy(name, nowMs);
    if (statusCode >= 400) budget.spend(nowMs);
    return budget.status(nowMs);
  }

  private policy(name: string, nowMs: number): Policy {
    let policy = this.policies.get(name);
    if (!policy) {
      const limits = effectiveLimits({}, this.defaults);
      policy = { limits, bucket: undefined, budget: new ErrorBudget(limits), faults: {}, cache: undefined };
      this.policies.set(name, policy);
      this.applyLimits(policy, limits, nowMs);
    }
    return policy;
  }

  private applyLimits(policy: Policy, limits: EffectiveLimits, nowMs: number): void {
    policy.limits = limits;
    policy.budget = new ErrorBudget(limits);
    policy.bucket =
      limits.requestsPerSecond === null || limits.burst === null
        ? undefined
        : new TokenBucket({ requestsPerSecond: limits.requestsPerSecond, burst: limits.burst }, nowMs);
  }
}
