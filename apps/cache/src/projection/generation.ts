// The generation of the views held in Redis: which of them are complete.
//
// The projection applies events one by one; a view is complete only when every event of
// its source since the stream's start went into it. A Redis flushed (or restarted without
// persistence) while the consumer kept its position, an admin clear, a recreated events
// stream, a corrupted entry: each leaves views that are partial while looking whole. So a
// view counts as complete only when its meta carries the current generation's id:
//
// - The generation lives in one Redis key ({id, epoch, trustNew}). It vanishes with a
//   flush, and the next reader or the consumer makes a new one (a new id): every view made
//   before is cold at once, without touching it.
// - `epoch` is the events stream's identity; a cache started on a recreated stream (new
//   epoch) starts a new generation, since the old views count in the old stream's sequences.
// - `trustNew`: the consumer stamps a view it creates from nothing with the generation only
//   when the generation began with the consumer at the start of a stream that still holds
//   every event (it will see every event of every source). A generation begun mid-stream
//   does not trust new views; they are rebuilt from the database on first read.
//
// Cold views are rebuilt from the database (see rebuild/), and reads of them are answered
// from the database meanwhile: a half-built view is never served as complete.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { GENERATION_KEY } from './keys';
import { luaScript, runScript } from './lua';

export interface Generation {
  id: string;
  epoch: string;
  trustNew: boolean;
}

// KEYS: generation. ARGV: epoch, new id, trustNew. Keeps a generation of this epoch, else starts one.
const ENSURE = luaScript(
  `
local current = redis.call('HMGET', KEYS[1], 'id', 'epoch', 'trustNew')
if current[1] and current[2] == ARGV[1] then return current end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'epoch', ARGV[1], 'trustNew', ARGV[3])
return {ARGV[2], ARGV[1], ARGV[3]}
`,
  1,
);

export function toGeneration(fields: readonly (string | null)[]): Generation | undefined {
  const [id, epoch, trustNew] = fields;
  if (!id || !epoch) return undefined;
  return { id, epoch, trustNew: trustNew === '1' };
}

/** The generation of `epoch`: the one in Redis if it is of this epoch, else a new one. */
export async function ensureGeneration(redis: Redis, epoch: string, trustNew: boolean): Promise<Generation> {
  const reply = (await runScript(redis, ENSURE, [GENERATION_KEY], [epoch, randomUUID(), trustNew ? '1' : '0'])) as (string | null)[];
  const generation = toGeneration(reply);
  if (!generation) throw new Error('generation script answered without an id');
  return generation;
}

/** The generation in Redis now (undefined after a flush). One command, so a reader can send it with its page read. */
export async function readGeneration(redis: Redis): Promise<Generation | undefined> {
  return toGeneration(await redis.hmget(GENERATION_KEY, 'id', 'epoch', 'trustNew'));
}

export interface GenerationTracker {
  /** The current generation as last read (read now if never read, e.g. Redis was down at start). */
  get(): Promise<Generation>;
  /** Reads it again, starting a new generation that trusts no new view if the key is gone or of another epoch. */
  refresh(): Promise<Generation>;
  stop(): void;
}

/**
 * Holds the generation for the projection consumer, which must stamp views with it on
 * every event (a Redis Cluster cannot read the generation key inside a view's script),
 * and for readers that find it gone. Read again every `refreshMs`: a consumer still
 * stamping an old id only makes views cold, never a partial view complete.
 */
export function trackGeneration(options: {
  redis: Redis;
  epoch: string;
  /** The consumer starts at the beginning of a stream that holds every event: its new views are complete. */
  trustNewAtStart: boolean;
  refreshMs: number;
  onError: (error: unknown) => void;
}): GenerationTracker {
  const { redis, epoch, refreshMs, onError } = options;
  let current: Generation | undefined;
  let trustNew = options.trustNewAtStart;
  const refresh = async (): Promise<Generation> => {
    current = await ensureGeneration(redis, epoch, trustNew);
    trustNew = false; // only the generation begun with the consumer at the stream's start
    return current;
  };
  const timer = setInterval(() => void refresh().catch(onError), refreshMs);
  timer.unref();
  return {
    get: () => (current ? Promise.resolve(current) : refresh()),
    refresh,
    stop: () => clearInterval(timer),
  };
}
