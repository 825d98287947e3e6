// What the connector needs from a dialect: open a database by URL, stream a read-only
// statement's rows in batches, and say what a driver error means. Each dialect file
// implements it over Kysely; the connector stays dialect-free.
import type { SqlRow } from './normalize-row';

export interface SqlStreamOptions {
  /** Checked by checkReadOnlyQuery: one SELECT/WITH, no trailing ';'. */
  statement: string;
  timeoutMs: number;
  batchSize: number;
  signal?: AbortSignal;
}

export interface SqlDatabase {
  /**
   * Runs the statement in a READ ONLY transaction with a server-side statement timeout and
   * yields its rows in batches of at most batchSize, holding no more than about one batch.
   * Stopping early (break, abort) stops the server's work and releases the connection.
   */
  streamRows(options: SqlStreamOptions): AsyncGenerator<SqlRow[], void, undefined>;
  close(): Promise<void>;
}

export type SqlFailure =
  | { kind: 'unavailable' }
  | { kind: 'timeout' }
  /** Stopped on request (our own cancel after an abort, or someone killed it). */
  | { kind: 'interrupted' }
  | { kind: 'query'; dbCode: string | undefined; retryable: boolean };

export interface SqlDriver {
  open(url: string, settings: { timeoutMs: number }): SqlDatabase;
  classify(error: unknown): SqlFailure;
}

/** The statement as a derived table: a stray ')' or ';' becomes a syntax error, not a second statement. */
export function wrapStatement(statement: string): string {
  return `select * from (\n${statement}\n) as freshet_q`;
}

/** Calls `onAbort` once if the signal aborts; returns the unsubscribe function. */
export function whenAborted(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
