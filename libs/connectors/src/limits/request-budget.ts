// A daily request budget per upstream, shared by every replica through Redis: one
// counter per upstream per UTC day, incremented for every request the upstream answered
// (a pay-per-call API charges 304s and errors too). The decision whether a job may spend
// it is pure (decideBudget), so background work can wait while a user still gets data.
import type { Redis } from 'ioredis';
import type { UpstreamGate } from '../http/upstream-gate';

export interface BudgetStatus {
  limit: number;
  spent: number;
  remaining: number;
  /** When the day's budget starts again (next UTC midnight). */
  resetAt: Date;
}

export interface RequestBudget {
  spend(upstreamId: string, requests?: number): Promise<number>;
  status(upstreamId: string, limit: number): Promise<BudgetStatus>;
}

function day(nowMs: number): { key: string; resetAt: Date } {
  const now = new Date(nowMs);
  const key = now.toISOString().slice(0, 10);
  const resetAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { key, resetAt };
}

export function createRequestBudget(options: { redis: Redis; keyPrefix: string; now?: () => number }): RequestBudget {
  const now = options.now ?? Date.now;
  const keyOf = (upstreamId: string, dayKey: string) => `${options.keyPrefix}budget:${encodeURIComponent(upstreamId)}:${dayKey}`;
  return {
    async spend(upstreamId, requests = 1) {
      const { key, resetAt } = day(now());
      const redisKey = keyOf(upstreamId, key);
      const [[, spent]] = (await options.redis
        .multi()
        .incrby(redisKey, requests)
        // Kept a day past its reset for the metrics of late readers, then gone.
        .pexpireat(redisKey, resetAt.getTime() + 86_400_000)
        .exec()) as [[Error | null, number]];
      return spent;
    },
    async status(upstreamId, limit) {
      const { key, resetAt } = day(now());
      const spent = Number((await options.redis.get(keyOf(upstreamId, key))) ?? 0);
      return { limit, spent, remaining: Math.max(0, limit - spent), resetAt };
    },
  };
}

export type BudgetDecision = { run: true } | { run: false; waitUntil: Date; reason: string };

/**
 * Background work (priority below 10) waits once less than `reserveShare` of the day's
 * budget is left, keeping the rest for users who are waiting; user-waiting jobs run.
 */
export function decideBudget(status: BudgetStatus, reserveShare: number, priority: number): BudgetDecision {
  if (priority >= 10) return { run: true };
  const reserve = Math.ceil(status.limit * reserveShare);
  if (status.remaining > reserve) return { run: true };
  return {
    run: false,
    waitUntil: status.resetAt,
    reason: `${status.remaining} of ${status.limit} daily requests left, at or below the ${reserve} kept for users`,
  };
}

/** Counts every answered request of the gated upstream against its daily budget. */
export function spendingGate(gate: UpstreamGate, budget: RequestBudget): UpstreamGate {
  return {
    acquire: (upstream, signal) => gate.acquire(upstream, signal),
    execute: (upstreamId, request) => gate.execute(upstreamId, request),
    async observe(upstreamId, response) {
      await budget.spend(upstreamId);
      await gate.observe(upstreamId, response);
    },
  };
}
