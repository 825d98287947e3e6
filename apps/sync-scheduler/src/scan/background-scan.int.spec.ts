// The background scan over real NATS: it pages through the source directory (a stand-in
// ingest answering list-sources on the bus), queues what is due and nothing else, and
// stops when the lease is lost part-way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import type { RevalidateRequest } from '@freshet/contracts';
import { testNames, TEST_NATS_URL } from '@freshet/testkit';
import type { RevalidateOutcome } from '../jobs/revalidate';
import { servePagedDirectory } from './testing/paged-directory';
import { runBackgroundScan } from './background-scan';

const names = testNames('scan');
const logger = pino({ level: 'silent' });
const now = new Date('2026-11-25T12:00:00Z');
let nc: NatsConnection;
let directory: Subscription;

// 1,200 sources: every third never synced, every third synced 1 h ago, the rest 1 min ago.
const sources = Array.from({ length: 1200 }, (_, i) => ({
  tenant: 't',
  source: `s${String(i).padStart(4, '0')}`,
  lastSyncedAt: i % 3 === 0 ? null : new Date(now.getTime() - (i % 3 === 1 ? 3_600_000 : 60_000)).toISOString(),
  minAgeMs: 900_000,
}));

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  directory = servePagedDirectory(nc, names.subjectPrefix, sources, logger);
});

afterAll(async () => {
  directory?.unsubscribe();
  await nc?.close();
});

function scan(stillLeader: () => boolean) {
  const requested: RevalidateRequest[] = [];
  const run = runBackgroundScan({
    nc,
    prefix: names.subjectPrefix,
    rpcTimeoutMs: 2000,
    now: () => now,
    logger,
    stillLeader,
    revalidate: async (request): Promise<RevalidateOutcome> => {
      requested.push(request);
      const joined = request.source.endsWith('1');
      return { jobId: '5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01', joined, priority: request.priority, status: 'queued', dispatch: !joined, job: {} as RevalidateOutcome['job'] };
    },
  });
  return { run, requested };
}

describe('background scan', () => {
  it('queues every source not synced for its minAge, at background priority, across pages', async () => {
    const { run, requested } = scan(() => true);
    const result = await run;
    expect(result).toMatchObject({ sources: 1200, due: 800, failed: 0, leaseLost: false });
    expect(result.queued + result.joined).toBe(800);
    expect(requested.every((r) => r.priority === 3 && r.reason === 'background scan')).toBe(true);
    const sourcesRequested = new Set(requested.map((r) => Number(r.source.slice(1))));
    expect([...sourcesRequested].every((i) => i % 3 !== 2)).toBe(true);
  });

  it('stops as soon as the lease is lost mid-scan', async () => {
    let calls = 0;
    const { run, requested } = scan(() => ++calls <= 10);
    const result = await run;
    expect(result.leaseLost).toBe(true);
    expect(requested).toHaveLength(10);
  });
});
