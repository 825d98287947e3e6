// A worker killed mid-job: ingest dies (SIGKILL) while paging a large source; the
// command comes back after its ack wait, a restarted ingest runs the job again, and every
// record reaches the stream exactly once — the pages committed before the crash are not
// emitted twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, waitFor, type SseConnection } from '@freshet/testkit';
import { devAuth, registerSource, requestRefresh } from '../dev/demo-seed';
import { startE2eStack, type E2eStack } from './e2e-stack';

const ITEMS = 3_000; // 60 pages of 50
const PAGES = 60;
let stack: E2eStack;
let sse: SseConnection;

beforeAll(async () => {
  stack = await startE2eStack('crash', { ingest: { INGEST_ACK_WAIT_MS: '3000' } });
  const sim = stack.urls['upstream-sim'];
  const seeded = await fetch(`${sim}/admin/datasets/big`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: ITEMS, seed: 3 }) });
  expect(seeded.ok).toBe(true);
  // Slow pages, so the kill lands mid-job.
  const slow = await fetch(`${sim}/admin/datasets/big/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 100 }) });
  expect(slow.ok).toBe(true);
  await registerSource(stack.urls, 'acme', 'big', 'big');
  sse = await openSse(`${stack.urls.gateway}/v1/tenants/acme/sources/big/events`, { headers: await devAuth('acme') });
  await sse.waitFor((e) => e.event === 'ready');
}, 120_000);

afterAll(async () => {
  sse?.close();
  await stack?.teardown();
});

describe('a worker that dies mid-job', () => {
  it('gives the job back, and the rerun emits every record exactly once', async () => {
    const { jobId } = await requestRefresh(stack.urls.gateway, 'acme', 'big');
    // Kill on the upstream's own count (the stream may lag behind under load).
    const pagesServed = async () => {
      const stats = (await (await fetch(`${stack.urls['upstream-sim']}/admin/stats`)).json()) as { byDataset: Record<string, { list?: number }> };
      return stats.byDataset['big']?.list ?? 0;
    };
    await waitFor(async () => (await pagesServed()) >= 10, { timeoutMs: 30_000, message: 'the first pages served' });
    await stack.processes.ingest.kill();
    expect(await pagesServed()).toBeLessThan(PAGES); // killed mid-job

    await stack.restart('ingest');
    await sse.waitFor((e) => e.event === 'job.completed' && (JSON.parse(e.data) as { data: { jobId: string } }).data.jobId === jobId, { timeoutMs: 60_000 });

    const created = sse.events.filter((e) => e.event === 'content.created').map((e) => (JSON.parse(e.data) as { data: { key: string } }).data.key);
    expect(created).toHaveLength(ITEMS);
    expect(new Set(created).size).toBe(ITEMS);
    const starts = sse.events.filter((e) => e.event === 'job.started').map((e) => JSON.parse(e.data) as { data: { jobId: string; attempt: number } });
    expect(starts.filter((s) => s.data.jobId === jobId).length).toBeGreaterThanOrEqual(2);
  });
});
