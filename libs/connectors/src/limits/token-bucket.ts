// Token buckets shared by every replica through Redis, driven by rate-limiter-flexible's
// RateLimiterRedis (its consume/reward protocol, rejection with msBeforeNext, key and
// readiness handling).
//
// Why a custom script: RateLimiterRedis's own script is a fixed window counted from the
// first request, which lets up to twice `points` through in a second that straddles two
// windows, and it cannot express windows under a second (it floors the duration to whole
// seconds). An upstream that allows 10 requests per second would see bursts of ~20. So
// each limiter is given, through its documented `customIncrTtlLuaScript` option, a GCRA
// script: a true token bucket of `capacity` tokens refilled one every `interval`, timed
// by Redis's own clock (TIME) so replicas with skewed clocks still share one bucket. In
// any window of T seconds it admits at most capacity + rate·T requests.
//
// RateLimiterRedis registers its script on the client as the command `rlflxIncr`, which
// any other RateLimiterRedis on the same connection would overwrite. The limiter is
// therefore handed a small store adapter that registers the script under its own name
// and appends the bucket's interval and capacity to the script's arguments.
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

const TOKEN_BUCKET_COMMAND = 'freshetTokenBucket';

/**
 * KEYS[1] bucket key; ARGV as RateLimiterRedis passes them (1 = tokens to take, negative
 * to give back; 2-4 unused) then 5 = interval in µs, 6 = capacity.
 * The key holds the theoretical arrival time (µs); it expires when the bucket is full again.
 * Returns {tokens in use, ms}: ms until full when allowed; on refusal capacity+1 and the ms
 * until a token is free.
 */
export const TOKEN_BUCKET_LUA = `
local cost = tonumber(ARGV[1])
local interval = tonumber(ARGV[5])
local capacity = tonumber(ARGV[6])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  local parsed = tonumber(stored)
  if parsed and parsed > now then tat = parsed end
end
if cost < 0 then
  local refunded = tat + cost * interval
  if refunded > now then
    redis.call('SET', KEYS[1], string.format('%d', refunded), 'PX', math.ceil((refunded - now) / 1000))
  else
    redis.call('DEL', KEYS[1])
  end
  return {0, 0}
end
local newTat = tat + cost * interval
local allowAt = newTat - capacity * interval
if allowAt > now then
  return {capacity + 1, math.ceil((allowAt - now) / 1000)}
end
redis.call('SET', KEYS[1], string.format('%d', newTat), 'PX', math.ceil((newTat - now) / 1000))
return {math.ceil((newTat - now) / interval), math.ceil((newTat - now) / 1000)}
`;

export interface BucketSpec {
  /** Tokens added per second (> 0). */
  ratePerSecond: number;
  /** Tokens the bucket holds when full: how many calls may go at once after a quiet spell (integer ≥ 1). */
  capacity: number;
}

export type TakeResult = { taken: true } | { taken: false; retryAfterMs: number };

export interface TokenBuckets {
  /** Takes one token from the bucket at `key`, or says how long until one is free. */
  take(key: string, spec: BucketSpec): Promise<TakeResult>;
  /** Returns a token taken by `take` (a call that did not happen after all). */
  giveBack(key: string, spec: BucketSpec): Promise<void>;
}

type ScriptRunner = (args: string[]) => Promise<unknown>;

function intervalMicros(spec: BucketSpec): number {
  return Math.max(1, Math.round(1_000_000 / spec.ratePerSecond));
}

export function createTokenBuckets(redis: Redis): TokenBuckets {
  const limiters = new Map<string, RateLimiterRedis>();

  function limiterFor(spec: BucketSpec): RateLimiterRedis {
    const interval = intervalMicros(spec);
    const id = `${interval}/${spec.capacity}`;
    const existing = limiters.get(id);
    if (existing) return existing;
    const store = {
      get status() {
        return redis.status;
      },
      defineCommand(_name: string, definition: { numberOfKeys: number; lua: string }) {
        redis.defineCommand(TOKEN_BUCKET_COMMAND, definition);
      },
      rlflxIncr(args: string[]) {
        const run = (redis as unknown as Record<string, ScriptRunner>)[TOKEN_BUCKET_COMMAND];
        if (!run) throw new Error(`Redis command ${TOKEN_BUCKET_COMMAND} is not defined`);
        return run.call(redis, [...args, String(interval), String(spec.capacity)]);
      },
      multi: () => redis.multi(),
      del: (key: string) => redis.del(key),
    };
    const limiter = new RateLimiterRedis({
      storeClient: store,
      customIncrTtlLuaScript: TOKEN_BUCKET_LUA,
      // Keys are complete already (upstream-keys.ts).
      keyPrefix: '',
      points: spec.capacity,
      // Only used by RateLimiterRedis to pick its script path (it needs ≥ 1 s); the script
      // sets its own expiry: the time the bucket takes to fill up.
      duration: Math.max(1, Math.ceil((spec.capacity * interval) / 1_000_000)),
    });
    limiters.set(id, limiter);
    return limiter;
  }

  return {
    async take(key, spec) {
      try {
        await limiterFor(spec).consume(key, 1);
        return { taken: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { taken: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
        throw rejection;
      }
    },
    async giveBack(key, spec) {
      await limiterFor(spec).reward(key, 1);
    },
  };
}
