// The servers under test of `npm run bench -- fanout`, each started as its own process on a
// free port, and how the benchmark publishes to each:
//   raw       tools/bench/fanout-raw-server.ts      POST /publish  → bare node:http SSE loop
//   socketio  tools/bench/fanout-socketio-server.ts POST /publish  → io.emit over WebSocket
//   freshet   apps/gateway/src/main.ts               publishEvent into JetStream → the gateway's
//             fan-out hub → GET /v1/tenants/bench/stream?channel=source:ticker with a dev JWT
// The clients process (fanout-clients.ts) is started here too, with an IPC channel.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { pino } from 'pino';
import { publishEvent, respondJson } from '@freshet/bus';
import { RPC, getSourceReplySchema, getSourceRequestSchema, rpcSubject } from '@freshet/contracts';
import { deleteStreams, testNames, TEST_NATS_URL, type TestNames, freePort } from '@freshet/testkit';
import { AppProcess } from '../dev/app-process';
import { DEV_JWT_SECRET, devToken } from '../dev/dev-token';
import { Histogram, SOURCE, TENANT, hrUs, tickEvent, type ClientCommand, type ClientKind, type ClientReply, type OpenResult, type WindowReport } from './fanout-shared';

export type TargetName = 'freshet' | 'raw' | 'socketio';

export interface Target {
  name: TargetName;
  /** The server process (what CPU and RSS are read from). */
  pid: number;
  /** What the clients open. */
  client: { kind: ClientKind; url: string; headers?: Record<string, string> };
  /** Publishes event `n`, stamped now; resolves when the server (or JetStream) took it. */
  publish(n: number): Promise<void>;
  running(): boolean;
  stop(): Promise<void>;
}

async function waitReady(url: string, app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!app.running) throw new Error(`${app.options.name} exited during start-up (exit code ${app.child.exitCode}); see its log`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app.options.name} not ready after ${timeoutMs} ms`);
}

/** raw or socketio: a bench server of this folder, published to over HTTP. */
export async function startPeer(name: 'raw' | 'socketio', logFile: string): Promise<Target> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = new AppProcess({ name, entry: `tools/bench/fanout-${name === 'raw' ? 'raw' : 'socketio'}-server.ts`, env: { PORT: String(port) }, output: logFile });
  try {
    await waitReady(base, app);
  } catch (error) {
    await app.stop();
    throw error;
  }
  let previous: Promise<unknown> = Promise.resolve();
  return {
    name,
    pid: app.child.pid!,
    client: name === 'raw' ? { kind: 'sse', url: `${base}/events` } : { kind: 'socketio', url: base },
    publish(n) {
      // Stamped now, sent in order: one publish at a time (as one NATS connection keeps
      // the gateway's in order), so a server slow to take them queues them here, stamped.
      const body = JSON.stringify(tickEvent(n, hrUs()));
      const sent = previous.then(async () => {
        const res = await fetch(`${base}/publish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (res.status !== 204) throw new Error(`${name} /publish answered ${res.status}`);
      });
      previous = sent.catch(() => undefined);
      return sent;
    },
    running: () => app.running,
    stop: async () => void (await app.stop()),
  };
}

export interface FreshetBus {
  names: TestNames;
  nc: NatsConnection;
  js: JetStreamClient;
  /** Stops the stand-in ingest, closes NATS, deletes the run's streams and KV buckets. */
  close(): Promise<void>;
}

/**
 * The bus side of the Freshet target: the run's own names, a NATS connection to publish
 * with, and a stand-in for ingest's get-source RPC (the gateway asks it whether a source
 * exists before opening a stream; the benchmark measures the gateway only).
 */
export async function startFreshetBus(): Promise<FreshetBus> {
  const names = testNames('bfanout');
  const nc = await connect({ servers: TEST_NATS_URL, name: `bench-fanout-${names.id}` });
  const logger = pino({ level: 'warn' });
  const answer = getSourceReplySchema.parse({
    ok: true,
    source: { tenant: TENANT, source: SOURCE, connector: { type: 'http-paged-list', baseUrl: 'http://127.0.0.1:9', path: '/ticker' }, lastSyncedAt: null, recordCount: 0 },
  });
  const ingest: Subscription = respondJson(
    nc,
    rpcSubject(names.subjectPrefix, RPC.ingest.service, RPC.ingest.getSource),
    getSourceRequestSchema,
    logger,
    async ({ tenant, source }) =>
      tenant === TENANT && source === SOURCE ? answer : { ok: false, error: { code: 'SOURCE_NOT_FOUND', message: `source ${tenant}/${source} does not exist` } },
    'ingest',
  );
  return {
    names,
    nc,
    js: jetstream(nc),
    async close() {
      ingest.unsubscribe();
      // The gateway's KV buckets (stream tickets, demand signal) are streams named after the prefix.
      const jsm = await jetstreamManager(nc);
      const buckets: string[] = [];
      for await (const info of jsm.streams.list()) {
        if (info.config.name.toLowerCase().includes(names.id)) buckets.push(info.config.name);
      }
      await nc.close();
      await deleteStreams([names.eventsStream, names.commandsStream, ...buckets]);
    },
  };
}

/** A gateway process on the run's streams; a new process each call (its RSS starts from zero connections). */
export async function startFreshet(bus: FreshetBus, logFile: string, label = 'gateway'): Promise<Target> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { names } = bus;
  const app = new AppProcess({
    name: label,
    entry: 'apps/gateway/src/main.ts',
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NATS_URL: TEST_NATS_URL,
      FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
      FRESHET_EVENTS_STREAM: names.eventsStream,
      FRESHET_COMMANDS_STREAM: names.commandsStream,
      GATEWAY_JWT_SECRET: DEV_JWT_SECRET,
      GATEWAY_SESSION_COOKIE_SECURE: 'false',
      // Every client of the benchmark holds the same token and comes from 127.0.0.1: the
      // per-credential and per-address limits (streams, and requests a minute, which
      // stream requests count against) would otherwise refuse most of them.
      GATEWAY_MAX_STREAMS_PER_CREDENTIAL: '100000',
      GATEWAY_MAX_STREAMS_PER_IP: '100000',
      GATEWAY_RATE_LIMIT_PER_MIN: '10000000',
    },
    output: logFile,
  });
  try {
    await waitReady(base, app);
  } catch (error) {
    await app.stop();
    throw error;
  }
  const token = await devToken({ tenant: TENANT, scopes: ['sources:read'], ttl: '12h', subject: 'bench-fanout' });
  return {
    name: 'freshet',
    pid: app.child.pid!,
    client: {
      kind: 'sse',
      url: `${base}/v1/tenants/${TENANT}/stream?channel=source:${SOURCE}`,
      headers: { authorization: `Bearer ${token}` },
    },
    async publish(n) {
      await publishEvent(bus.js, names.subjectPrefix, tickEvent(n, hrUs()));
    },
    running: () => app.running,
    stop: async () => void (await app.stop()),
  };
}

/** One clients process, driven over IPC. */
export class ClientsProcess {
  readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;

  constructor(logFile: string) {
    // Profiled like the apps (tools/dev/app-process.ts) when FRESHET_PROFILE_DIR is set.
    const profile = process.env['FRESHET_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['FRESHET_PROFILE_DIR']}`] : [];
    this.child = spawn(process.execPath, [...profile, '--import', 'tsx', 'tools/bench/fanout-clients.ts'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const log = createWriteStream(logFile, { flags: 'a' });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => log.write(`clients | ${line}\n`));
    }
    this.child.on('message', (reply: ClientReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`clients: ${reply.error}`));
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`the clients process exited (${signal ?? code})`));
        this.pending.clear();
        log.end();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<T>(command: ClientCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.disconnect();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

/** What the clients processes received in a window, together. */
export interface PoolReport extends Omit<WindowReport, 'latency'> {
  latency: Histogram;
}

/**
 * The clients, split evenly over a few processes: one Node process parses on one core, and
 * on a 2-core machine two of them let the clients use whatever the server leaves free (the
 * limit is then the machine, so a server's own cost per delivery decides its capacity).
 */
export class ClientPool {
  readonly processes: ClientsProcess[];

  constructor(logFile: string, count: number) {
    this.processes = Array.from({ length: count }, () => new ClientsProcess(logFile));
  }

  get pids(): number[] {
    return this.processes.map((p) => p.pid);
  }

  /** Opens `count` more connections, spread so every process holds as many (±1). */
  async open(client: Target['client'], count: number, concurrency: number): Promise<OpenResult> {
    const k = this.processes.length;
    const results = await Promise.all(
      this.processes.map((p, i) =>
        p.call<OpenResult>({ op: 'open', ...client, count: Math.floor(count / k) + (i < count % k ? 1 : 0), concurrency: Math.max(1, Math.ceil(concurrency / k)) }),
      ),
    );
    return {
      open: results.reduce((sum, r) => sum + r.open, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      errors: [...new Set(results.flatMap((r) => r.errors))].slice(0, 5),
      ms: Math.max(...results.map((r) => r.ms)),
    };
  }

  async reset(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.call({ op: 'reset' })));
  }

  async report(): Promise<PoolReport> {
    const reports = await Promise.all(this.processes.map((p) => p.call<WindowReport>({ op: 'report' })));
    const latency = new Histogram();
    for (const r of reports) latency.merge(r.latency);
    const sum = (pick: (r: WindowReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
    return {
      open: sum((r) => r.open),
      received: sum((r) => r.received),
      latency,
      missing: sum((r) => r.missing),
      duplicates: sum((r) => r.duplicates),
      controlEvents: sum((r) => r.controlEvents),
      closed: sum((r) => r.closed),
      closeReasons: [...new Set(reports.flatMap((r) => r.closeReasons))].slice(0, 5),
      windowMs: Math.max(...reports.map((r) => r.windowMs)),
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.call({ op: 'closeAll' }).catch(() => undefined)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
  }
}
