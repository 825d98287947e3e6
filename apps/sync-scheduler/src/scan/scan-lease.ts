// Only one scheduler replica scans at a time: a Postgres session advisory lock held on a
// dedicated connection. When the holder dies its connection closes and the lock goes with
// it, so another replica takes over at its next tick. A lost connection is a lost lease.
import pg from 'pg';
import type { Logger } from '@freshet/telemetry';

export interface ScanLease {
  /** True when this replica holds the lease (taking it if it is free). */
  tryHold(): Promise<boolean>;
  held(): boolean;
  /** The instance id of whichever replica holds the lease now, if any. */
  holder(): Promise<string | undefined>;
  release(): Promise<void>;
}

const HOLDER_QUERY = `select a.application_name as holder from pg_locks l join pg_stat_activity a on a.pid = l.pid
  where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
  and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`;

export function createScanLease(options: { connectionString: string; key: string; logger: Logger; instanceId?: string }): ScanLease {
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
          // The instance id as application_name lets any replica see who holds the lease.
          client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 5_000, application_name: options.instanceId ?? 'freshet-scheduler' });
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
    async holder() {
      const probe = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 5_000 });
      try {
        await probe.connect();
        const { rows } = await probe.query<{ holder: string }>(HOLDER_QUERY, [options.key]);
        return rows[0]?.holder;
      } catch {
        return undefined;
      } finally {
        await probe.end().catch(() => undefined);
      }
    },
    async release() {
      if (client && holding) await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [options.key]).catch(() => undefined);
      drop();
    },
  };
}
