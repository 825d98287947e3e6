// Reads the demand signal: the sources gateways have live streams on, from the keys of
// the demand KV bucket (`<tenant>.<source>.<gatewayInstanceId>`, written by the gateways;
// see contracts demand.ts). A source is watched when any gateway holds a key for it.
// No bucket yet means no gateway has announced anything: nothing is watched.
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { API_CODES, isApiError } from '@freshet/bus';
import { demandBucketName, parseDemandKey } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import { sourceKey } from './due-sources';

/** The watched sources as "tenant/source" keys. */
export type ReadWatchedSources = () => Promise<ReadonlySet<string>>;

/** The last reading, for the status API and the watched-sources gauge. */
export interface DemandStatus {
  bucket: string;
  /** Sources watched at the last successful read; null before one. */
  watched: number | null;
  readAt: string | null;
  /** The last read's failure; null once a read succeeds. */
  lastError: string | null;
}

export interface WatchedSourcesReader {
  read: ReadWatchedSources;
  status(): DemandStatus;
}

export function createWatchedSourcesReader(options: { nc: NatsConnection; prefix: string; timeoutMs: number; logger: Logger }): WatchedSourcesReader {
  const bucket = demandBucketName(options.prefix);
  const state: DemandStatus = { bucket, watched: null, readAt: null, lastError: null };

  const list = async (): Promise<Set<string>> => {
    const kv = await new Kvm(options.nc).open(bucket); // binds only: no request
    const watched = new Set<string>();
    let keys: Awaited<ReturnType<typeof kv.keys>>;
    try {
      keys = await kv.keys();
    } catch (error) {
      if (isApiError(error, API_CODES.streamNotFound)) return watched;
      throw error;
    }
    const deadline = setTimeout(() => keys.stop(new Error(`listing the demand bucket ${bucket} took longer than ${options.timeoutMs} ms`)), options.timeoutMs);
    let ignored = 0;
    try {
      for await (const key of keys) {
        const parts = parseDemandKey(key);
        if (parts) watched.add(sourceKey(parts.tenant, parts.source));
        else ignored += 1;
      }
    } finally {
      clearTimeout(deadline);
    }
    if (ignored > 0) options.logger.debug({ bucket, ignored }, 'keys in the demand bucket that are not demand keys were ignored');
    return watched;
  };

  return {
    async read() {
      try {
        const watched = await list();
        Object.assign(state, { watched: watched.size, readAt: new Date().toISOString(), lastError: null });
        return watched;
      } catch (error) {
        state.lastError = (error as Error).message;
        throw error;
      }
    },
    status: () => ({ ...state }),
  };
}
