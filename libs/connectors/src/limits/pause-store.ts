// A pause of an upstream shared by every replica: "nobody calls it before `until`". The
// write is one Lua script that keeps whichever end is later, so two replicas reporting
// pauses at once (a 429 with Retry-After 30 and a late one with 5) can never shorten it.
import type { Redis } from 'ioredis';
import { PAUSE_KEY_GRACE_MS } from './limits.constants';

const EXTEND_PAUSE_COMMAND = 'freshetExtendPause';

/**
 * KEYS[1] pause hash; ARGV 1 = until (epoch ms), 2 = reason, 3 = now (epoch ms), 4 = grace ms.
 * Returns {until, reason, 1 if this call extended the pause else 0}.
 */
export const EXTEND_PAUSE_LUA = `
local current = redis.call('HGET', KEYS[1], 'until')
if current and tonumber(current) and tonumber(current) >= tonumber(ARGV[1]) then
  return {current, redis.call('HGET', KEYS[1], 'reason') or '', 0}
end
redis.call('HSET', KEYS[1], 'until', ARGV[1], 'reason', ARGV[2], 'since', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[4]))
return {ARGV[1], ARGV[2], 1}
`;

export interface PauseState {
  untilMs: number;
  reason: string;
  /** True when this call set or lengthened the pause. */
  extended: boolean;
}

export interface PauseStore {
  /** Pauses until `untilMs` unless a longer pause is already recorded; returns the pause in force. */
  extend(key: string, untilMs: number, reason: string, nowMs: number): Promise<PauseState>;
  /** The recorded end of the pause, if any (it may lie in the past during the key's grace period). */
  read(key: string): Promise<{ untilMs: number; reason: string } | undefined>;
}

type ExtendPause = (key: string, untilMs: string, reason: string, nowMs: string, graceMs: string) => Promise<[string, string, number]>;

export function createPauseStore(redis: Redis): PauseStore {
  redis.defineCommand(EXTEND_PAUSE_COMMAND, { numberOfKeys: 1, lua: EXTEND_PAUSE_LUA });
  const extendPause = (redis as unknown as Record<string, ExtendPause>)[EXTEND_PAUSE_COMMAND];
  if (!extendPause) throw new Error(`Redis command ${EXTEND_PAUSE_COMMAND} is not defined`);

  return {
    async extend(key, untilMs, reason, nowMs) {
      const [until, storedReason, extended] = await extendPause.call(
        redis,
        key,
        String(Math.ceil(untilMs)),
        reason,
        String(Math.floor(nowMs)),
        String(PAUSE_KEY_GRACE_MS),
      );
      return { untilMs: Number(until), reason: storedReason, extended: extended === 1 };
    },
    async read(key) {
      const [until, reason] = await redis.hmget(key, 'until', 'reason');
      const untilMs = until === null || until === undefined ? Number.NaN : Number(until);
      return Number.isFinite(untilMs) ? { untilMs, reason: reason ?? '' } : undefined;
    },
  };
}
