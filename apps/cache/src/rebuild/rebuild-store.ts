// The Redis side of rebuilding a source's view from the database. The database's records
// are the source's state at some point at or after stream position S0 (read before them:
// an event is published only after its transaction commits). Events keep arriving while
// the rebuild runs; the view is partial meanwhile, so the projection applies them record
// by record (see projection-store.ts) and the rebuild only writes a record whose version
// is at most S0 — newer changes win. At the end, what the database did not list and no
// newer event wrote is removed, tombstones are dropped, and the view is stamped complete
// with `seq` = max(its seq, S0). Every step checks the rebuild's mark, so a clear or a
// rival rebuild in between makes it stop instead of finishing a view it no longer owns.
import type { Redis } from 'ioredis';
import { rebuildClaimKey, rebuildSeenKey, sourceKeyList, sourceKeys } from '../projection/keys';
import { luaScript, runScript } from '../projection/lua';

const MARK = (token: string) => `rebuilding:${token}`;

// KEYS: claim. ARGV: token, ttlMs. One rebuild per source across replicas.
const CLAIM = luaScript(
  `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`,
  1,
);

// KEYS: meta, seen. ARGV: mark. The view is partial from here until finish.
const START = luaScript(
  `
redis.call('HSET', KEYS[1], 'generation', ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`,
  2,
);

// KEYS: records, index, versions, meta, seen. ARGV: mark, S0, then key, json pairs.
const PAGE = luaScript(
  `
if redis.call('HGET', KEYS[4], 'generation') ~= ARGV[1] then return -1 end
local s0 = tonumber(ARGV[2])
local written = 0
for i = 3, #ARGV, 2 do
  local key = ARGV[i]
  redis.call('SADD', KEYS[5], key)
  if (tonumber(redis.call('HGET', KEYS[3], key) or '0') or 0) <= s0 then
    redis.call('HSET', KEYS[1], key, ARGV[i + 1])
    redis.call('ZADD', KEYS[2], 0, key)
    redis.call('HSET', KEYS[3], key, ARGV[2])
    written = written + 1
  end
end
return written
`,
  5,
);

// KEYS: records, index, versions, meta, seen. ARGV: mark, S0, generation, lastSyncedAt ('' if never), incarnation.
// Returns the number of records removed, or -1 when the rebuild lost its view.
const FINISH = luaScript(
  `
if redis.call('HGET', KEYS[4], 'generation') ~= ARGV[1] then return -1 end
local s0 = tonumber(ARGV[2])
local removed = 0
local function drop(key)
  redis.call('HDEL', KEYS[1], key)
  redis.call('ZREM', KEYS[2], key)
  redis.call('HDEL', KEYS[3], key)
end
local versions = redis.call('HGETALL', KEYS[3])
for i = 1, #versions, 2 do
  local key, version = versions[i], tonumber(versions[i + 1]) or 0
  if redis.call('HEXISTS', KEYS[1], key) == 0 then
    drop(key) -- a tombstone, or an index entry without its record
  elseif version <= s0 and redis.call('SISMEMBER', KEYS[5], key) == 0 then
    drop(key)
    removed = removed + 1
  end
end
-- Records or index entries with no version at all are damage: the database listed them or not.
for _, key in ipairs(redis.call('HKEYS', KEYS[1])) do
  if redis.call('HEXISTS', KEYS[3], key) == 0 then drop(key) removed = removed + 1 end
end
for _, key in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('HEXISTS', KEYS[1], key) == 0 then redis.call('ZREM', KEYS[2], key) end
end
local seq = tonumber(redis.call('HGET', KEYS[4], 'seq') or '0') or 0
if s0 > seq then redis.call('HSET', KEYS[4], 'seq', ARGV[2]) end
local syncedSeq = tonumber(redis.call('HGET', KEYS[4], 'syncedSeq') or '0') or 0
if ARGV[4] ~= '' and syncedSeq <= s0 then
  redis.call('HSET', KEYS[4], 'lastSyncedAt', ARGV[4], 'syncedSeq', ARGV[2])
end
redis.call('HSET', KEYS[4], 'count', redis.call('HLEN', KEYS[1]), 'generation', ARGV[3], 'incarnation', ARGV[5])
redis.call('DEL', KEYS[5])
return removed
`,
  5,
);

// KEYS: claim. ARGV: token.
const RELEASE = luaScript(
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
  1,
);

const viewKeys = (tenant: string, source: string): string[] => [...sourceKeyList(sourceKeys(tenant, source)), rebuildSeenKey(tenant, source)];

export async function claimRebuild(redis: Redis, tenant: string, source: string, token: string, ttlMs: number): Promise<boolean> {
  return (await runScript(redis, CLAIM, [rebuildClaimKey(tenant, source)], [token, ttlMs])) === 1;
}

export async function releaseRebuild(redis: Redis, tenant: string, source: string, token: string): Promise<void> {
  await runScript(redis, RELEASE, [rebuildClaimKey(tenant, source)], [token]);
}

export async function startRebuild(redis: Redis, tenant: string, source: string, token: string): Promise<void> {
  const keys = sourceKeys(tenant, source);
  await runScript(redis, START, [keys.meta, rebuildSeenKey(tenant, source)], [MARK(token)]);
}

/** Writes one database page; false when the rebuild lost the view (cleared, or another rebuild took it). */
export async function writeRebuildPage(
  redis: Redis,
  tenant: string,
  source: string,
  token: string,
  s0: number,
  records: ReadonlyArray<{ key: string; json: string }>,
): Promise<boolean> {
  const args: (string | number)[] = [MARK(token), s0];
  for (const { key, json } of records) args.push(key, json);
  return ((await runScript(redis, PAGE, viewKeys(tenant, source), args)) as number) >= 0;
}

/** Stamps the view complete in `generation`; the records removed, or undefined when the rebuild lost the view. */
export async function finishRebuild(
  redis: Redis,
  tenant: string,
  source: string,
  token: string,
  s0: number,
  generation: string,
  lastSyncedAt: string | null,
): Promise<number | undefined> {
  const removed = (await runScript(redis, FINISH, viewKeys(tenant, source), [MARK(token), s0, generation, lastSyncedAt ?? '', token])) as number;
  return removed < 0 ? undefined : removed;
}
