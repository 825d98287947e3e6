// Tells the scheduler which sources have live subscribers on this gateway (decision 0011,
// demand signal): one key per source in the demand KV bucket while at least one stream on
// it is open, written again every refreshMs, deleted when the last one closes. The bucket
// is created if missing with max age = ttlMs, so the keys of a gateway that died without
// deleting them vanish on their own, and with FRESHET_STREAM_REPLICAS copies (an existing
// bucket is brought to that count), so a NATS node down does not lose the signal.
//
// Best effort: watch() and its release never throw and never wait on NATS. A KV failure is
// logged and the next refresh tries again; a stream never fails because of it. Writes for
// one key run one at a time, latest state wins (a put and a delete never cross).
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { demandBucketName, demandKey, isValidToken, InvalidDemandKeyError, type DemandValue } from '@freshet/contracts';
import { ensureStreamReplicas, replicasRefusal } from '@freshet/bus';
import type { Logger } from '@freshet/telemetry';

export interface DemandPublisherOptions {
  nc: NatsConnection;
  /** The subject prefix: the bucket is `<prefix>_demand`. */
  prefix: string;
  /** This gateway replica, unique among running gateways (a key token). */
  instanceId: string;
  /** The bucket's max age when this gateway creates it (default 60 s). */
  ttlMs?: number;
  /** How often a watched source's key is written again (default 20 s; at most ttlMs / 2). */
  refreshMs?: number;
  /** Copies of the bucket on the NATS cluster (FRESHET_STREAM_REPLICAS; default 1). */
  replicas?: number;
  logger: Logger;
}

export interface DemandPublisher {
  /** Counts one open stream on the source; call the returned release when it closes (more calls do nothing). */
  watch(tenant: string, source: string): () => void;
  /** How many sources this gateway watches now. */
  watchedSources(): number;
  /** Resolves once every pending KV write has been tried. */
  settled(): Promise<void>;
  /** Stops refreshing and deletes every key this gateway holds (best effort). Call before closing the connection. */
  stop(): Promise<void>;
}

interface Slot {
  tenant: string;
  source: string;
  key: string;
  streams: number;
  since: string;
  /** The state changed since the last write. */
  dirty: boolean;
  /** The write loop of this key, while it runs. */
  draining: Promise<void> | undefined;
}

const noop = () => undefined;

export function createDemandPublisher(options: DemandPublisherOptions): DemandPublisher {
  const { nc, instanceId, logger } = options;
  const ttlMs = options.ttlMs ?? 60_000;
  const refreshMs = options.refreshMs ?? 20_000;
  const replicas = options.replicas ?? 1;
  if (!isValidToken(instanceId)) throw new InvalidDemandKeyError('instanceId', instanceId, "use 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
  if (!Number.isInteger(ttlMs) || ttlMs < 1_000) throw new RangeError(`demand ttlMs must be a whole number of at least 1000 ms, got ${ttlMs}`);
  if (!Number.isInteger(refreshMs) || refreshMs < 100 || refreshMs * 2 > ttlMs) {
    throw new RangeError(`demand refreshMs must be a whole number of ms from 100 to half of ttlMs (${ttlMs}), got ${refreshMs}`);
  }
  const bucketName = demandBucketName(options.prefix);
  const log = logger.child({ component: 'demand', bucket: bucketName });

  const slots = new Map<string, Slot>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let kvHandle: Promise<KV> | undefined;

  const openBucket = async (): Promise<KV> => {
    // Opens the bucket if it exists (keeping its max age), creates it otherwise; either way
    // it ends up with the configured replicas.
    const kv = await new Kvm(nc)
      .create(bucketName, {
        ttl: ttlMs,
        history: 1,
        replicas,
        storage: StorageType.Memory,
        description: 'Freshet demand signal: sources with live gateway streams',
      })
      .catch((error: unknown) => {
        throw replicasRefusal(`KV_${bucketName}`, replicas, error) ?? error;
      });
    const { ttl, streamInfo } = await kv.status();
    if (ttl !== ttlMs) log.warn({ bucketTtlMs: ttl, ttlMs }, 'the demand bucket exists with another max age; keys of a dead gateway live that long');
    try {
      const previous = await ensureStreamReplicas(await jetstreamManager(nc), streamInfo, replicas);
      if (previous !== undefined) log.info({ from: previous, to: replicas }, 'demand bucket replicas updated');
    } catch (error) {
      // The bucket works with the copies it has: the signal goes on.
      log.warn({ err: error, replicas }, 'could not bring the demand bucket to the configured replicas');
    }
    return kv;
  };
  const bucket = (): Promise<KV> =>
    (kvHandle ??= openBucket().catch((error: unknown) => {
      kvHandle = undefined; // try again at the next write
      throw error;
    }));

  const write = async (slot: Slot): Promise<void> => {
    try {
      const kv = await bucket();
      if (slot.streams > 0) {
        const value: DemandValue = { tenant: slot.tenant, source: slot.source, streams: slot.streams, since: slot.since };
        await kv.put(slot.key, JSON.stringify(value));
      } else {
        await kv.delete(slot.key);
      }
      if (failing) log.info('demand signal written again');
      failing = false;
    } catch (error) {
      // One warning per outage, not one per key and refresh.
      if (!failing) log.warn({ err: error, key: slot.key }, 'could not write the demand signal; streams go on, the next refresh tries again');
      else log.debug({ err: error, key: slot.key }, 'demand signal still not written');
      failing = true;
    }
  };

  const drain = async (slot: Slot): Promise<void> => {
    try {
      while (slot.dirty) {
        slot.dirty = false;
        await write(slot);
      }
    } finally {
      slot.draining = undefined;
      if (slot.streams === 0 && slots.get(slot.key) === slot) slots.delete(slot.key);
    }
  };

  const request = (slot: Slot) => {
    slot.dirty = true;
    slot.draining ??= drain(slot);
  };

  const refresh = () => {
    for (const slot of slots.values()) if (slot.streams > 0) request(slot);
  };

  const settled = async (): Promise<void> => {
    for (;;) {
      const pending = [...slots.values()].flatMap((slot) => (slot.draining ? [slot.draining] : []));
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  };

  return {
    watch(tenant, source) {
      if (stopped) return noop;
      let key: string;
      try {
        key = demandKey({ tenant, source, instanceId });
      } catch (error) {
        log.warn({ err: error, tenant, source }, 'not a source the demand signal can carry; the stream goes on unannounced');
        return noop;
      }
      let slot = slots.get(key);
      if (!slot) {
        slot = { tenant, source, key, streams: 0, since: '', dirty: false, draining: undefined };
        slots.set(key, slot);
      }
      const watched = slot;
      watched.streams += 1;
      if (watched.streams === 1) {
        watched.since = new Date().toISOString();
        request(watched);
      }
      if (!timer) {
        timer = setInterval(refresh, refreshMs);
        timer.unref();
      }
      let released = false;
      return () => {
        if (released || stopped) return;
        released = true;
        watched.streams -= 1;
        if (watched.streams === 0) request(watched);
      };
    },
    watchedSources: () => [...slots.values()].filter((slot) => slot.streams > 0).length,
    settled,
    async stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        timer = undefined;
        for (const slot of slots.values()) {
          if (slot.streams > 0) {
            slot.streams = 0;
            request(slot);
          }
        }
      }
      await settled();
    },
  };
}
