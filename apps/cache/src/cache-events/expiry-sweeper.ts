// cache.expired: a per-source memory policy. A source whose definition has `cacheTtlMs`
// has its view dropped from Redis when nobody has read it and no event has changed it for
// that long; the next read is answered from the database and rebuilds it.
//
// - Touch: every answered read of such a source, every event the projection applies to it
//   and every rebuild of its view moves its member `<tenant>/<source>` in the sorted set
//   `views:expiry` to now + cacheTtlMs (ZADD). Fire and forget: never awaited by a read;
//   a failure is logged at debug (the view then expires a little early at worst).
// - Sweep: one unref'd timer per replica, every `sweepMs`, takes the members that are due
//   (ZRANGEBYSCORE -inf now, 100 at a time) and claims each with a script that removes it
//   only while it is still due — so only one replica proceeds per expiry, and a read that
//   touched it in between keeps the view. The winner drops the view like an admin clear
//   does (tombstone `generation: expired`, so the view is partial and rebuilt on the next
//   read) and publishes cache.expired. The sweep reads only Redis (the TTL comes from the
//   source definition the directory keeps there), never ingest or an upstream.
//
// Published straight to JetStream, like cache.cleared: a failed publish is logged.
import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { publishEvent } from '@freshet/bus';
import type { SourceInfo } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import { EXPIRY_KEY, expiryMember, parseExpiryMember } from '../projection/keys';
import { luaScript, runScript } from '../projection/lua';
import type { SourceDirectory, SourceInfoStore } from '../snapshots/source-directory';
import { dropSourceView, EXPIRED } from './clear-views';

/** Members taken per ZRANGEBYSCORE. */
export const EXPIRY_BATCH = 100;
/** Batches per sweep at most (the rest waits for the next sweep). */
const MAX_BATCHES_PER_SWEEP = 50;

// KEYS: expiry set. ARGV: member, now (epoch ms). Removes the member only while it is due
// (a touch since the range read moved it on); answers the score it had, or nil.
const CLAIM = luaScript(
  `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) <= tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return score
end
return false
`,
  1,
);

export interface ViewExpiry {
  /**
   * The source's view was read or changed: when its definition has a `cacheTtlMs`, its
   * expiry moves to now + cacheTtlMs. Looks the definition up when `info` is not given.
   * Never waits; failures are logged at debug.
   */
  touch(tenant: string, source: string, info?: Pick<SourceInfo, 'cacheTtlMs'>): void;
  /** One sweep now (the timer calls it); answers how many views this replica expired. */
  sweep(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export interface ViewExpiryOptions {
  redis: Redis;
  js: JetStreamClient;
  prefix: string;
  logger: Logger;
  /** For touches that come without the source's definition (applied events, rebuilds). */
  directory: SourceDirectory;
  /** The definitions kept in Redis: the sweep takes the TTL from there (it reads only Redis). */
  infoStore: SourceInfoStore;
  sweepMs: number;
  now?: () => number;
}

type Outcome = 'expired' | 'gone' | 'kept';

export function createViewExpiry(options: ViewExpiryOptions): ViewExpiry {
  const { redis, js, prefix, logger, directory, infoStore, sweepMs, now = Date.now } = options;

  const schedule = (tenant: string, source: string, ttlMs: number): void => {
    redis.zadd(EXPIRY_KEY, now() + ttlMs, expiryMember(tenant, source)).catch((error: unknown) => {
      logger.debug({ err: error, tenant, source }, 'could not move the view expiry on');
    });
  };

  /** Removes the member while it is due; its score (the expiry) when this replica took it. */
  const claim = async (member: string, at: number): Promise<number | undefined> => {
    const score = (await runScript(redis, CLAIM, [EXPIRY_KEY], [member, at])) as string | null;
    return score === null ? undefined : Number(score);
  };

  const expire = async (member: string, at: number): Promise<Outcome> => {
    const id = parseExpiryMember(member);
    if (!id) {
      await redis.zrem(EXPIRY_KEY, member); // not ours to interpret: never turned into a key
      return 'gone';
    }
    const { tenant, source } = id;
    let ttlMs: number | undefined;
    try {
      ttlMs = (await infoStore.load(tenant, source))?.cacheTtlMs;
    } catch (error) {
      logger.warn({ err: error, tenant, source }, 'could not read the source definition for its view expiry; trying again next sweep');
      return 'kept';
    }
    if (ttlMs === undefined) {
      // The definition has no TTL (any more), or is unknown: keep the view, forget the expiry.
      await claim(member, at);
      logger.debug({ tenant, source }, 'view expiry of a source without cacheTtlMs; forgotten');
      return 'gone';
    }
    const expiresAt = await claim(member, at);
    if (expiresAt === undefined) return 'gone'; // another replica took it, or a read touched it
    try {
      await dropSourceView(redis, tenant, source, EXPIRED);
    } catch (error) {
      logger.warn({ err: error, tenant, source }, 'could not drop an expired view; trying again next sweep');
      // Back as it was, unless a touch has put it back since (then that one stands).
      await redis.zadd(EXPIRY_KEY, 'NX', expiresAt, member).catch(() => undefined);
      return 'kept';
    }
    try {
      await publishEvent(js, prefix, {
        id: randomUUID(),
        type: 'cache.expired',
        tenant,
        source,
        time: new Date().toISOString(),
        data: { ttlMs, idleSince: new Date(expiresAt - ttlMs).toISOString() },
      });
    } catch (error) {
      logger.warn({ err: error, tenant, source }, 'could not publish cache.expired');
    }
    logger.info({ tenant, source, ttlMs }, 'view expired (cacheTtlMs); the next read rebuilds it');
    return 'expired';
  };

  const sweep = async (): Promise<number> => {
    let expired = 0;
    let kept = 0; // due members left in place this sweep: skipped over by later batches
    for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP; batch += 1) {
      const at = now();
      const members = await redis.zrangebyscore(EXPIRY_KEY, '-inf', at, 'LIMIT', kept, EXPIRY_BATCH);
      const outcomes = await Promise.all(
        members.map((member) =>
          expire(member, at).catch((error: unknown): Outcome => {
            logger.warn({ err: error, member }, 'view expiry failed; trying again next sweep');
            return 'kept';
          }),
        ),
      );
      expired += outcomes.filter((o) => o === 'expired').length;
      kept += outcomes.filter((o) => o === 'kept').length;
      if (members.length < EXPIRY_BATCH) break;
    }
    return expired;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const next = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .then(
          () => undefined,
          (error: unknown) => logger.warn({ err: error }, 'view expiry sweep failed'),
        )
        .finally(() => {
          running = undefined;
          next();
        });
    }, sweepMs);
    timer.unref();
  };
  next();

  return {
    touch(tenant, source, info) {
      if (info) {
        if (info.cacheTtlMs !== undefined) schedule(tenant, source, info.cacheTtlMs);
        return;
      }
      void directory.get(tenant, source).then(
        (found) => {
          if (found.cacheTtlMs !== undefined) schedule(tenant, source, found.cacheTtlMs);
        },
        (error: unknown) => logger.debug({ err: error, tenant, source }, 'no source definition for the view expiry'),
      );
    },
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
