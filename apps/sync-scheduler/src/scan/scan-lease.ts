// Only one scheduler replica scans at a time: a Postgres session advisory lock held on a
// dedicated connection. When the holder dies its connection closes and the lock goes with
// it, so another replica takes over at its next tick. A lost connection is a lost lease.
import pg from 'pg';
import type { Logger } from '@freshet/telemetry';

export interface ScanLease {
  /** True when this replica holds the lease (taking it if it is free). */
  tryHold(): Promise<boolean>;
  held(): boolean;
  release(): Promise<void>;
}

export function createScanLease(options: { connectionString: string; key: string; logger: Logger }): ScanLease {
  let client: pg.Client | undefined;
  let holding = false;

  const drop = () => {
    holding = false;
    const old = client;
    client = undefined;
    void old?.end().catch(() => undefined);
  };

  return {
    held: () => holding,
    async tryHold() {
      if (holding && client) return true;
      try {
        if (!client) {
          client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 5_000 });
          client.on('error', (error) => {
            options.logger.warn({ err: error }, 'scan lease connection lost');
            drop();
          });
          await client.connect();
        }
        const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [options.key]);
        holding = rows[0]?.locked === true;
        if (holding) options.logger.info({ key: options.key }, 'scan lease taken');
        return holding;
      } catch (error) {
        options.logger.warn({ err: error }, 'could not take the scan lease');
        drop();
        return false;
      }
    },
    async release() {
      if (client && holding) await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [options.key]).catch(() => undefined);
      drop();
    },
  };
}
