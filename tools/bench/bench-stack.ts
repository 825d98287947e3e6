// The processes a sync benchmark needs — upstream-sim and ingest, on free ports with
// unique names — and the calls it makes: seed a dataset, register a source, run a sync
// to completion through the real command path, read upstream request counters and
// ingest's peak memory.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { publishSyncCommand } from '@freshet/bus';
import { deleteStreams, dropSchema, testNames, TEST_DATABASE_URL, TEST_NATS_URL, freePort } from '@freshet/testkit';
import { AppProcess } from '../dev/app-process';

export interface BenchStack {
  sim: string;
  ingest: string;
  ingestProcess: AppProcess;
  restartIngest(): Promise<void>;
  seed(dataset: string, count: number): Promise<void>;
  addItems(dataset: string, count: number): Promise<void>;
  registerSource(source: string, connector: Record<string, unknown>): Promise<void>;
  sync(source: string, mode?: 'incremental' | 'full'): Promise<{ elapsedMs: number; stats: Record<string, number> }>;
  listRequests(dataset: string): Promise<number>;
  peakRssMb(): number;
  teardown(): Promise<void>;
}

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function waitReady(url: string, process: AppProcess): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (!process.running) throw new Error(`${process.options.name} exited during start-up`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${process.options.name} not ready`);
}

export async function startBenchStack(logFile: string): Promise<BenchStack> {
  const names = testNames('bench');
  const [simPort, ingestPort] = [await freePort(), await freePort()];
  const sim = `http://127.0.0.1:${simPort}`;
  const ingest = `http://127.0.0.1:${ingestPort}`;
  const common = { HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const simProcess = new AppProcess({
    name: 'upstream-sim',
    entry: 'apps/upstream-sim/src/main.ts',
    env: { ...common, PORT: String(simPort), SIM_DATASETS: 'demo:1' },
    output: logFile,
  });
  const ingestEnv = {
    ...common,
    PORT: String(ingestPort),
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: names.databaseSchema,
    NATS_URL: TEST_NATS_URL,
    FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
    FRESHET_EVENTS_STREAM: names.eventsStream,
    FRESHET_COMMANDS_STREAM: names.commandsStream,
  };
  let ingestProcess = new AppProcess({ name: 'ingest', entry: 'apps/ingest/src/main.ts', env: ingestEnv, output: logFile });
  await waitReady(sim, simProcess);
  await waitReady(ingest, ingestProcess);
  const nc: NatsConnection = await connect({ servers: TEST_NATS_URL });
  const js = jetstream(nc);

  return {
    sim,
    ingest,
    get ingestProcess() {
      return ingestProcess;
    },
    async restartIngest() {
      await ingestProcess.stop();
      ingestProcess = new AppProcess({ name: 'ingest', entry: 'apps/ingest/src/main.ts', env: ingestEnv, output: logFile });
      await waitReady(ingest, ingestProcess);
    },
    async seed(dataset, count) {
      await ok(
        await fetch(`${sim}/admin/datasets/${dataset}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count, seed: 1 }) }),
        'seeding',
      );
    },
    async addItems(dataset, count) {
      for (let i = 0; i < count; i += 1) {
        await ok(
          await fetch(`${sim}/admin/datasets/${dataset}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `new ${i}` }) }),
          'adding an item',
        );
      }
    },
    async registerSource(source, connector) {
      await ok(
        await fetch(`${ingest}/internal/v1/sources/bench/${source}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ connector }) }),
        'registering',
      );
    },
    async sync(source, mode = 'incremental') {
      const jobId = randomUUID();
      const started = performance.now();
      await publishSyncCommand(js, names.subjectPrefix, {
        type: 'sync.requested',
        commandId: randomUUID(),
        jobId,
        tenant: 'bench',
        source,
        priority: 10,
        mode,
        reason: 'benchmark',
        requestedAt: new Date().toISOString(),
      });
      for (;;) {
        const res = await ok(await fetch(`${ingest}/internal/v1/sources/bench/${source}/history?types=job.&limit=1000`), 'history');
        const page = (await res.json()) as { events: Array<{ event: { type: string; data: { jobId: string; stats?: Record<string, number>; error?: unknown } } }> };
        const mine = page.events.map((e) => e.event).filter((e) => e.data.jobId === jobId);
        const done = mine.find((e) => e.type === 'job.completed');
        if (done) return { elapsedMs: performance.now() - started, stats: done.data.stats ?? {} };
        const failed = mine.find((e) => e.type === 'job.failed');
        if (failed) throw new Error(`sync failed: ${JSON.stringify(failed.data.error)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async listRequests(dataset) {
      const stats = (await (await fetch(`${sim}/admin/stats`)).json()) as { byDataset: Record<string, { list?: number; notModified?: number }> };
      const d = stats.byDataset[dataset];
      return (d?.list ?? 0) + (d?.notModified ?? 0);
    },
    peakRssMb() {
      const pid = ingestProcess.child.pid;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    async teardown() {
      await nc.close();
      await ingestProcess.stop();
      await simProcess.stop();
      await dropSchema(names.databaseSchema);
      await deleteStreams([names.eventsStream, names.commandsStream]);
    },
  };
}
