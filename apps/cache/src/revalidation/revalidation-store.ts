// The Redis side of stale-while-revalidate: one marker key per source (`:revalidating`,
// see keys.ts) set only if absent with a TTL, and the last failure in the source's meta
// hash (`error`, `errorAt` in Redis server milliseconds; cleared by the next applied
// job.completed). Every step is one Lua script, so replicas racing on a source agree.
import type { Redis } from 'ioredis';
import { metaKey, revalidationKey } from '../projection/keys';
import { luaScript, runScript } from '../projection/lua';

const NOW_MS = `local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS: meta, marker. ARGV: token, ttlMs, retryAfterMs.
// Returns {'revalidating', marker} | {'error', reason} | {'claimed', token}.
const CLAIM = luaScript(
  `
local marker = redis.call('GET', KEYS[2])
if marker then return {'revalidating', marker} end
local failed = redis.call('HMGET', KEYS[1], 'error', 'errorAt')
if failed[1] and failed[2] then
  ${NOW_MS}
  if nowMs - tonumber(failed[2]) < tonumber(ARGV[3]) then return {'error', failed[1]} end
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {'claimed', ARGV[1]}
`,
  2,
);

// KEYS: marker. ARGV: expected, replacement. Keeps the TTL.
const REPLACE_IF = luaScript(
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`,
  1,
);

// KEYS: marker. ARGV: expected.
const DELETE_IF = luaScript(
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
  1,
);

// KEYS: meta, marker. ARGV: expected marker, reason.
const FAIL_IF = luaScript(
  `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
${NOW_MS}
redis.call('HSET', KEYS[1], 'error', ARGV[2], 'errorAt', nowMs)
return 1
`,
  2,
);

export const PENDING_PREFIX = 'pending:';

export type ClaimResult = { outcome: 'claimed'; token: string } | { outcome: 'revalidating'; marker: string } | { outcome: 'error'; reason: string };

/** Starts a revalidation of the source unless one is in flight or the last one failed less than `retryAfterMs` ago. */
export async function claimRevalidation(
  redis: Redis,
  tenant: string,
  source: string,
  claim: { token: string; ttlMs: number; retryAfterMs: number },
): Promise<ClaimResult> {
  const [outcome, value] = (await runScript(redis, CLAIM, [metaKey(tenant, source), revalidationKey(tenant, source)], [
    claim.token,
    claim.ttlMs,
    claim.retryAfterMs,
  ])) as [string, string];
  if (outcome === 'claimed') return { outcome, token: value };
  if (outcome === 'revalidating') return { outcome, marker: value };
  return { outcome: 'error', reason: value };
}

/** The marker now: a job id, `pending:<token>`, or null when no revalidation is in flight. */
export async function readRevalidation(redis: Redis, tenant: string, source: string): Promise<string | null> {
  return redis.get(revalidationKey(tenant, source));
}

/** Swaps the claim's token for the job id the scheduler answered; false when the revalidation already ended. */
export async function rememberJob(redis: Redis, tenant: string, source: string, token: string, jobId: string): Promise<boolean> {
  return (await runScript(redis, REPLACE_IF, [revalidationKey(tenant, source)], [token, jobId])) === 1;
}

/** Ends the revalidation marked `marker` (a sync completed, or the request never got through). */
export async function endRevalidation(redis: Redis, tenant: string, source: string, marker: string): Promise<boolean> {
  return (await runScript(redis, DELETE_IF, [revalidationKey(tenant, source)], [marker])) === 1;
}

/** Ends the revalidation marked `marker` as failed: reads say `error` until the next sync. */
export async function failRevalidation(redis: Redis, tenant: string, source: string, marker: string, reason: string): Promise<boolean> {
  return (await runScript(redis, FAIL_IF, [metaKey(tenant, source), revalidationKey(tenant, source)], [marker, reason])) === 1;
}
