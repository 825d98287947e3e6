// Every Redis key the cache owns, named in one place. Names are relative: the Redis
// client adds REDIS_KEY_PREFIX (ioredis `keyPrefix`), so the full name of a source's
// records is `<REDIS_KEY_PREFIX>src:{<tenant>}:<source>:records`. The `{tenant}` hash tag
// keeps all of a tenant's keys in one cluster slot, so one Lua script may touch them all.
import { isValidToken } from '@freshet/contracts';

/** The keys of one source's view. */
export interface SourceKeys {
  /** Hash: record key → record JSON. */
  records: string;
  /** Sorted set, every score 0: record keys in byte order, for stable paging (ZRANGEBYLEX). */
  index: string;
  /** Hash: record key → stream sequence of the event that last wrote it. */
  versions: string;
  /** Hash: seq (stream sequence the view reflects), count, lastSyncedAt. */
  meta: string;
}

export function sourceKeyBase(tenant: string, source: string): string {
  return `src:{${tenant}}:${source}`;
}

export function recordsKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:records`;
}

export function indexKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:index`;
}

export function versionsKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:versions`;
}

export function metaKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:meta`;
}

/**
 * String with a TTL: present while a revalidation of the source is in flight. Holds
 * `pending:<token>` from the claim until the scheduler answers, then the job id. Set only
 * if absent, so one stale read across every replica asks for a sync.
 */
export function revalidationKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:revalidating`;
}

/** In the order the Lua scripts take them as KEYS[1..4]. */
export function sourceKeys(tenant: string, source: string): SourceKeys {
  return {
    records: recordsKey(tenant, source),
    index: indexKey(tenant, source),
    versions: versionsKey(tenant, source),
    meta: metaKey(tenant, source),
  };
}

export function sourceKeyList(keys: SourceKeys): [string, string, string, string] {
  return [keys.records, keys.index, keys.versions, keys.meta];
}

/**
 * String with a TTL: present while a rebuild of the source's view from the database runs
 * (holds the rebuild's token), so one rebuild runs per source across every replica.
 */
export function rebuildClaimKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:rebuilding`;
}

/** Set: the record keys a running rebuild has written from the database (what it did not see was deleted). */
export function rebuildSeenKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:rebuild-seen`;
}

/** String: the source's definition as ingest last described it, for reads while ingest cannot answer. */
export function sourceInfoKey(tenant: string, source: string): string {
  return `${sourceKeyBase(tenant, source)}:info`;
}

/**
 * Hash `{id, epoch, trustNew}`: the generation of the views in this Redis. A view is
 * complete only when its meta carries the current generation's id; the key vanishes with
 * a flushed Redis, and a new generation (a new id) makes every older view cold. Outside
 * any tenant's hash slot: read with its own command, never inside a view's script.
 */
export const GENERATION_KEY = 'views:generation';

/**
 * Sorted set: the views of sources with a `cacheTtlMs`, as `<tenant>/<source>` members
 * (see expiryMember) scored by the epoch ms at which they expire. A read or an applied
 * event moves a member's expiry on; the expiry sweeper drops views whose time has come.
 * Outside any tenant's hash slot: used with its own commands only, never inside a view's
 * script or transaction.
 */
export const EXPIRY_KEY = 'views:expiry';

/** A source's member in EXPIRY_KEY. Unambiguous: tenant and source ids never contain '/'. */
export function expiryMember(tenant: string, source: string): string {
  return `${tenant}/${source}`;
}

/** The tenant and source of an EXPIRY_KEY member; undefined for anything that is not one (never a key to touch). */
export function parseExpiryMember(member: string): { tenant: string; source: string } | undefined {
  const parts = member.split('/');
  if (parts.length !== 2) return undefined;
  const [tenant = '', source = ''] = parts;
  return isValidToken(tenant) && isValidToken(source) ? { tenant, source } : undefined;
}
