// What the cache needs to know about a source (does it exist, its staleAfter), asked from
// ingest's get-source RPC and kept in memory for a short while. Concurrent lookups of one
// source share one request. When ingest cannot answer (down, or its database is), the
// last known answer is used — from memory, else from the copy kept in Redis, so a replica
// started while Postgres is down still serves what Redis holds (a source's definition
// rarely changes); with none, the read fails with a 503.
import type { NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { RPC, getSourceReplySchema, rpcSubject, type SourceInfo } from '@freshet/contracts';
import { HttpProblem, type Logger } from '@freshet/telemetry';

export interface SourceDirectory {
  get(tenant: string, source: string): Promise<SourceInfo>;
}

/** Where answers are kept beyond this process (Redis): best effort both ways. */
export interface SourceInfoStore {
  load(tenant: string, source: string): Promise<SourceInfo | undefined>;
  save(tenant: string, source: string, info: SourceInfo): Promise<void>;
}

export interface SourceDirectoryOptions {
  store?: SourceInfoStore;
  nc: NatsConnection;
  prefix: string;
  ttlMs: number;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
}

export function createSourceDirectory(options: SourceDirectoryOptions): SourceDirectory {
  const { nc, prefix, ttlMs, timeoutMs, logger, store, now = Date.now, maxEntries = 10_000 } = options;
  const subject = rpcSubject(prefix, RPC.ingest.service, RPC.ingest.getSource);
  const known = new Map<string, { info: SourceInfo; expiresAt: number }>();
  const inFlight = new Map<string, Promise<SourceInfo>>();

  const lastKnown = async (id: string, tenant: string, source: string, failure: unknown): Promise<SourceInfo> => {
    let remembered = known.get(id)?.info;
    if (!remembered) {
      remembered = await store?.load(tenant, source).catch(() => undefined);
      // Kept in memory too (asked again after the TTL), so it outlives Redis going down next.
      if (remembered) known.set(id, { info: remembered, expiresAt: now() + ttlMs });
    }
    if (remembered) {
      logger.warn({ err: failure, tenant, source }, 'source directory (ingest) could not answer; using the last known definition');
      return remembered;
    }
    throw new HttpProblem(503, 'SOURCE_DIRECTORY_UNAVAILABLE', 'the source directory (ingest) did not answer; try again shortly', undefined, { cause: failure });
  };

  const ask = async (id: string, tenant: string, source: string): Promise<SourceInfo> => {
    let reply;
    try {
      reply = await requestJson(nc, subject, { tenant, source }, getSourceReplySchema, timeoutMs);
    } catch (error) {
      return lastKnown(id, tenant, source, error);
    }
    if (!reply.ok) {
      if (reply.error.code !== 'SOURCE_NOT_FOUND') return lastKnown(id, tenant, source, new Error(`${reply.error.code}: ${reply.error.message}`));
      known.delete(id);
      throw new HttpProblem(404, 'SOURCE_NOT_FOUND', reply.error.message);
    }
    known.delete(id); // re-insert: Map order is the eviction order
    known.set(id, { info: reply.source, expiresAt: now() + ttlMs });
    if (known.size > maxEntries) {
      const oldest = known.keys().next();
      if (!oldest.done) known.delete(oldest.value);
    }
    void store?.save(tenant, source, reply.source).catch((error: unknown) => logger.debug({ err: error, tenant, source }, 'could not keep the source definition in Redis'));
    return reply.source;
  };

  return {
    get(tenant, source) {
      const id = `${tenant}/${source}`;
      const cached = known.get(id);
      if (cached && cached.expiresAt > now()) return Promise.resolve(cached.info);
      const pending = inFlight.get(id);
      if (pending) return pending;
      const request = ask(id, tenant, source).finally(() => inFlight.delete(id));
      inFlight.set(id, request);
      return request;
    },
  };
}
