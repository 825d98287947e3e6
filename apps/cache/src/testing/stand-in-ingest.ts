// A stand-in for ingest on a spec's test subjects: it answers get-source from the spec's own
// list of sources and get-records from the records the spec has put in its "database", so
// the cache under test can be run without ingest or Postgres.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import type { z } from 'zod';
import { respondJson, type RpcAnswer } from '@freshet/bus';
import { RPC, getRecordsRequestSchema, getSourceRequestSchema, rpcSubject, type UpstreamRecord } from '@freshet/contracts';

const silent = pino({ level: 'silent' });

/** Answers one of ingest's RPCs on the spec's subjects, in ingest's queue group as ingest does. */
function answerAsIngest<S extends z.ZodType>(
  nc: NatsConnection,
  subjectPrefix: string,
  method: string,
  schema: S,
  handler: (request: z.output<S>) => Promise<RpcAnswer>,
): Subscription {
  return respondJson(nc, rpcSubject(subjectPrefix, RPC.ingest.service, method), schema, silent, handler, 'ingest');
}

/** What the stand-in says of a source it knows; every other field is the same for all. */
export interface StandInSource {
  staleAfterMs: number;
  cacheTtlMs?: number;
}

/**
 * Answers get-source for the sources `find` knows, SOURCE_NOT_FOUND (as ingest words it)
 * for the rest. `find` is called on every request, so a spec can count the lookups.
 */
export function answerGetSource(nc: NatsConnection, subjectPrefix: string, find: (tenant: string, source: string) => StandInSource | undefined): Subscription {
  return answerAsIngest(nc, subjectPrefix, RPC.ingest.getSource, getSourceRequestSchema, async ({ tenant, source }) => {
    const known = find(tenant, source);
    return known !== undefined
      ? { ok: true, source: { tenant, source, connector: { type: 'http-paged-list', baseUrl: 'http://x', path: '/x' }, ...known, lastSyncedAt: null, recordCount: 0 } }
      : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } };
  });
}

/** One source's rows in the stand-in's database: its records by key, and when it was last synced. */
export interface IngestTable {
  records: Map<string, UpstreamRecord>;
  lastSyncedAt: string | null;
}

/** The stand-in's database: a table per source, made empty on first use (as a read of an unsynced source finds it). */
export class IngestDatabase {
  private readonly tables = new Map<string, IngestTable>();

  tableOf(tenant: string, source: string): IngestTable {
    const id = `${tenant}/${source}`;
    const table = this.tables.get(id) ?? { records: new Map(), lastSyncedAt: null };
    this.tables.set(id, table);
    return table;
  }
}

/** Answers get-records from `database`: pages in key order after `after`, as ingest does. */
export function answerGetRecords(nc: NatsConnection, subjectPrefix: string, database: IngestDatabase): Subscription {
  return answerAsIngest(nc, subjectPrefix, RPC.ingest.getRecords, getRecordsRequestSchema, async ({ tenant, source, after, limit }) => {
    const table = database.tableOf(tenant, source);
    const keys = [...table.records.keys()].sort().filter((k) => after === undefined || k > after);
    const page = keys.slice(0, limit);
    return {
      ok: true,
      records: page.map((key) => ({ key, record: table.records.get(key) ?? {} })),
      ...(keys.length > limit ? { next: page.at(-1) } : {}),
      lastSyncedAt: table.lastSyncedAt,
      count: table.records.size,
    };
  });
}
