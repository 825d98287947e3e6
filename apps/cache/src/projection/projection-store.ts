// The Redis side of the projection: apply one event to a source's view, and read a page
// of it together with the sequence it reflects. Both are single Lua scripts, so each is
// atomic: an event is applied only when its stream sequence is above what the view (or,
// in a partial view, the record) already reflects — applying it again, or an older one,
// changes nothing — and a page's records, `seq` and generation always belong together.
import type { Redis } from 'ioredis';
import { sourceKeyList, sourceKeys } from './keys';
import { luaScript, runScript, runScriptBuffer } from './lua';
import type { ProjectionOp } from './projection-op';
import { lexRange } from './lex-range';

// KEYS: records, index, versions, meta. ARGV: seq, op, key|time, json, generation, trustNew.
//
// A complete view (its meta carries the consumer's generation) applies an event only when
// it is above the view's `seq`. Any other view is partial (cold, cleared, being rebuilt):
// events are applied record by record, each only above that record's own version, and a
// delete leaves its version behind as a tombstone, so a rebuild writing older database
// state never resurrects or rolls back what an event already changed. A view created from
// nothing is complete when the generation trusts new views (see generation.ts).
const APPLY = luaScript(
  `
local seq = tonumber(ARGV[1])
local op = ARGV[2]
if redis.call('EXISTS', KEYS[4]) == 0 and ARGV[6] == '1' then
  redis.call('HSET', KEYS[4], 'generation', ARGV[5])
end
local complete = redis.call('HGET', KEYS[4], 'generation') == ARGV[5]
local current = tonumber(redis.call('HGET', KEYS[4], 'seq') or '0') or 0
if complete then
  if seq <= current then return 0 end
elseif op == 'synced' then
  if seq <= (tonumber(redis.call('HGET', KEYS[4], 'syncedSeq') or '0') or 0) then return 0 end
elseif seq <= (tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0') or 0) then
  return 0
end
if op == 'put' then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
  redis.call('ZADD', KEYS[2], 0, ARGV[3])
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
elseif op == 'delete' then
  redis.call('HDEL', KEYS[1], ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[3])
  if complete then redis.call('HDEL', KEYS[3], ARGV[3]) else redis.call('HSET', KEYS[3], ARGV[3], ARGV[1]) end
elseif op == 'synced' then
  redis.call('HSET', KEYS[4], 'lastSyncedAt', ARGV[3], 'syncedSeq', ARGV[1])
  redis.call('HDEL', KEYS[4], 'error', 'errorAt')
else
  return redis.error_reply('unknown projection op ' .. tostring(op))
end
if seq > current then redis.call('HSET', KEYS[4], 'seq', ARGV[1]) end
redis.call('HSET', KEYS[4], 'count', redis.call('HLEN', KEYS[1]))
return 1
`,
  4,
);

// KEYS: records, index, versions, meta. ARGV: min, max (ZRANGEBYLEX bounds), limit.
// Returns {seq, lastSyncedAt, count, hasMore, keys, records, versions, generation, incarnation}.
const READ_PAGE = luaScript(
  `
local meta = redis.call('HMGET', KEYS[4], 'seq', 'lastSyncedAt', 'count', 'generation', 'incarnation')
local limit = tonumber(ARGV[3])
local keys = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2], 'LIMIT', 0, limit + 1)
local hasMore = 0
if #keys > limit then
  hasMore = 1
  keys[#keys] = nil
end
local records, versions = {}, {}
if #keys > 0 then
  records = redis.call('HMGET', KEYS[1], unpack(keys))
  versions = redis.call('HMGET', KEYS[3], unpack(keys))
end
return {meta[1] or '0', meta[2] or '', meta[3] or '0', hasMore, keys, records, versions, meta[4] or '', meta[5] or ''}
`,
  4,
);

export interface ApplyResult {
  applied: boolean;
}

/** The generation a view is stamped with, and whether a view created from nothing is complete. */
export interface ApplyGeneration {
  id: string;
  trustNew: boolean;
}

export async function applyProjectionOp(
  redis: Redis,
  tenant: string,
  source: string,
  seq: number,
  op: ProjectionOp,
  generation: ApplyGeneration,
): Promise<ApplyResult> {
  const target: [string, string] = op.kind === 'put' ? [op.key, op.json] : op.kind === 'delete' ? [op.key, ''] : [op.at, ''];
  const args: (string | number)[] = [seq, op.kind, ...target, generation.id, generation.trustNew ? '1' : '0'];
  const result = await runScript(redis, APPLY, sourceKeyList(sourceKeys(tenant, source)), args);
  return { applied: result === 1 };
}

export interface ViewMeta {
  seq: number;
  lastSyncedAt: string | null;
  count: number;
  /** The generation the view is complete in; anything else when partial (never built, cleared, being rebuilt, corrupt). */
  generation: string;
  /** Which build of the view this is ('' for one the projection made from nothing, else the rebuild's id): a walk never spans two. */
  incarnation: string;
}

export interface RawPageEntry {
  key: string;
  /** Record JSON as stored (not decoded: a page is sent on as bytes); null when the index names a key the records hash lacks. */
  json: Buffer | null;
  /** Sequence of the event that last wrote the record (0 when unknown). */
  version: number;
}

export interface RawPage {
  meta: ViewMeta;
  entries: RawPageEntry[];
  /** Last key of this page when more keys follow in range. */
  lastKey: string | undefined;
}

const text = (value: Buffer | null | undefined): string => (value ? value.toString('utf8') : '');
const toInt = (value: Buffer | null | undefined): number => {
  const n = value ? Number.parseInt(value.toString('latin1'), 10) : NaN;
  return Number.isFinite(n) ? n : 0;
};

/** Keys after `after` (exclusive) in byte order, restricted to `prefix`; atomically with the view's meta. */
export async function readProjectionPage(
  redis: Redis,
  tenant: string,
  source: string,
  page: { after?: string; prefix?: string; limit: number },
): Promise<RawPage> {
  const { min, max } = lexRange(page.after, page.prefix);
  const reply = (await runScriptBuffer(redis, READ_PAGE, sourceKeyList(sourceKeys(tenant, source)), [min, max, page.limit])) as [
    Buffer,
    Buffer,
    Buffer,
    number,
    Buffer[],
    (Buffer | null)[],
    (Buffer | null)[],
    Buffer,
    Buffer,
  ];
  const [seq, lastSyncedAt, count, hasMore, keys, records, versions, generation, incarnation] = reply;
  const keyTexts = keys.map((key) => key.toString('utf8'));
  const entries = keyTexts.map((key, i) => ({ key, json: records[i] ?? null, version: toInt(versions[i]) }));
  const synced = text(lastSyncedAt);
  return {
    meta: { seq: toInt(seq), lastSyncedAt: synced === '' ? null : synced, count: toInt(count), generation: text(generation), incarnation: text(incarnation) },
    entries,
    lastKey: hasMore === 1 ? keyTexts.at(-1) : undefined,
  };
}

/** The view's meta alone: one HMGET, much cheaper than a page. */
export async function readViewMeta(redis: Redis, tenant: string, source: string): Promise<ViewMeta> {
  const [seq, lastSyncedAt, count, generation, incarnation] = await redis.hmget(sourceKeys(tenant, source).meta, 'seq', 'lastSyncedAt', 'count', 'generation', 'incarnation');
  const int = (value: string | null) => {
    const n = value === null ? NaN : Number.parseInt(value, 10);
    return Number.isFinite(n) ? n : 0;
  };
  return { seq: int(seq ?? null), lastSyncedAt: lastSyncedAt || null, count: int(count ?? null), generation: generation ?? '', incarnation: incarnation ?? '' };
}

// KEYS: meta. ARGV: expected generation. Makes a complete view partial (it is rebuilt).
const MARK_CORRUPT = luaScript(
  `
if redis.call('HGET', KEYS[1], 'generation') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'generation', 'corrupt')
return 1
`,
  1,
);

/** Marks a view found damaged as partial, so reads leave it and it is rebuilt. */
export async function markViewCorrupt(redis: Redis, tenant: string, source: string, generation: string): Promise<void> {
  await runScript(redis, MARK_CORRUPT, [sourceKeys(tenant, source).meta], [generation]);
}
