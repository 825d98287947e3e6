// The scan lease with two replicas on the real Postgres: one holds it, the other takes
// over when the holder's connection dies (the process was killed).
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { testNames, TEST_DATABASE_URL } from '@freshet/testkit';
import { createScanLease } from './scan-lease';

const key = `freshet-scan:${testNames('lease').id}`;
const logger = pino({ level: 'silent' });
const leases = [
  createScanLease({ connectionString: TEST_DATABASE_URL, key, logger, instanceId: 'replica-a' }),
  createScanLease({ connectionString: TEST_DATABASE_URL, key, logger, instanceId: 'replica-b' }),
];
afterAll(async () => {
  for (const lease of leases) await lease.release();
});

async function killLeaseHolder(): Promise<number> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      `select l.pid from pg_locks l where l.locktype = 'advisory' and l.granted and l.objid = (hashtextextended($1, 0) & x'ffffffff'::bigint)::oid`,
      [key],
    );
    for (const { pid } of rows) await admin.query('select pg_terminate_backend($1)', [pid]);
    return rows.length;
  } finally {
    await admin.end();
  }
}

describe('scan lease', () => {
  it('is held by one replica at a time and taken over when the holder dies', async () => {
    const [a, b] = leases as [ReturnType<typeof createScanLease>, ReturnType<typeof createScanLease>];
    expect(await a.tryHold()).toBe(true);
    expect(await b.tryHold()).toBe(false);
    expect(await a.tryHold()).toBe(true); // keeps it
    expect(await b.holder()).toBe('replica-a');

    expect(await killLeaseHolder()).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.held()).toBe(false); // the holder notices its connection is gone
    expect(await b.tryHold()).toBe(true);
    expect(await a.tryHold()).toBe(false);
    expect(await a.holder()).toBe('replica-b');
  });
});
