// A source's current records as ingest's database holds them, asked over ingest's
// get-records RPC: what the cache serves while Redis cannot answer or a view is being
// rebuilt, and what a rebuild writes into Redis.
import type { NatsConnection } from '@nats-io/transport-node';
import { requestJson } from '@freshet/bus';
import { RPC, getRecordsReplySchema, rpcSubject, type UpstreamRecord } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';

export interface DatabasePage {
  records: Array<{ key: string; record: UpstreamRecord }>;
  /** Last key of this page when more follow. */
  next: string | undefined;
  lastSyncedAt: string | null;
  /** Records of the whole source. */
  count: number;
}

export interface DatabaseRecords {
  page(tenant: string, source: string, page: { after?: string; prefix?: string; limit: number }): Promise<DatabasePage>;
}

/** The database (through ingest) did not answer. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export function createDatabaseRecords(options: { nc: NatsConnection; prefix: string; timeoutMs: number }): DatabaseRecords {
  const subject = rpcSubject(options.prefix, RPC.ingest.service, RPC.ingest.getRecords);
  return {
    async page(tenant, source, { after, prefix, limit }) {
      let reply;
      try {
        reply = await requestJson(
          options.nc,
          subject,
          { tenant, source, limit, ...(after === undefined ? {} : { after }), ...(prefix === undefined ? {} : { prefix }) },
          getRecordsReplySchema,
          options.timeoutMs,
        );
      } catch (error) {
        throw new DatabaseUnavailableError(`ingest did not answer get-records for ${tenant}/${source}`, { cause: error });
      }
      if (!reply.ok) {
        if (reply.error.code === 'SOURCE_NOT_FOUND') throw new HttpProblem(404, 'SOURCE_NOT_FOUND', reply.error.message);
        throw new DatabaseUnavailableError(`ingest answered get-records for ${tenant}/${source} with ${reply.error.code}: ${reply.error.message}`);
      }
      return { records: reply.records, next: reply.next, lastSyncedAt: reply.lastSyncedAt, count: reply.count };
    },
  };
}
