// Helpers shared by this lib's integration tests only (never exported from the entry):
// a pino logger that records entries, a metric reader, valid sample contracts, and a
// connection to the test NATS with a spec file's streams provisioned.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import type { FreshetEvent, SyncCommand } from '@freshet/contracts';
import { deleteStreams, TEST_NATS_URL, type TestNames } from '@freshet/testkit';
import { busTopology } from '../bus-topology';
import { closeBus, connectBus } from '../connect-bus';
import { ensureStreams } from '../ensure-streams';
import { topologyFromConfig } from '../topology-from-config';

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') entries.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), entries };
}

class TestMetricReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Registers a global MeterProvider (per test file: vitest isolates files) and reads counter points. */
export function installTestMeter(): { sum(name: string, attributes: Record<string, string>): Promise<number> } {
  const reader = new TestMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  return {
    async sum(name, attributes) {
      const { resourceMetrics } = await reader.collect();
      let total = 0;
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints as DataPoint<number>[]) {
            if (Object.entries(attributes).every(([k, v]) => point.attributes[k] === v)) total += point.value;
          }
        }
      }
      return total;
    },
  };
}

export function sampleContentCreated(overrides: { tenant?: string; source?: string; key?: string } = {}): FreshetEvent {
  return {
    id: randomUUID(),
    type: 'content.created',
    tenant: overrides.tenant ?? 'acme',
    source: overrides.source ?? 'orders',
    time: new Date().toISOString(),
    data: { key: overrides.key ?? 'k1', hash: 'h1', record: { id: overrides.key ?? 'k1' }, jobId: randomUUID() },
    trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' },
  };
}

/** An event as consumers receive it: its trace context travels in the headers, not the body. */
export function asPublished(event: FreshetEvent): FreshetEvent {
  const { trace: _trace, ...body } = event;
  return body as FreshetEvent;
}

export function sampleSyncCommand(priority = 10): SyncCommand {
  return {
    type: 'sync.requested',
    commandId: randomUUID(),
    jobId: randomUUID(),
    tenant: 'acme',
    source: 'orders',
    priority,
    mode: 'incremental',
    reason: 'user opened dashboard',
    requestedAt: new Date().toISOString(),
  };
}

/** The topology a service builds from its config for these test names, with FRESHET_STREAM_REPLICAS = replicas. */
export function configuredTopology(n: TestNames, replicas: number) {
  return topologyFromConfig({
    FRESHET_SUBJECT_PREFIX: n.subjectPrefix,
    FRESHET_EVENTS_STREAM: n.eventsStream,
    FRESHET_COMMANDS_STREAM: n.commandsStream,
    FRESHET_EVENTS_MAX_AGE_HOURS: 1,
    FRESHET_STREAM_REPLICAS: replicas,
  });
}

export interface TestBus {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
}

/**
 * Call at the top of a spec file: connects to the test NATS and provisions the events and
 * commands streams of these names before its tests; deletes them and disconnects after.
 */
export function testBusWithStreams(n: TestNames, connectionName: string, logger: Logger): TestBus {
  let nc: NatsConnection;
  let js: JetStreamClient;
  beforeAll(async () => {
    nc = await connectBus({ servers: TEST_NATS_URL, name: connectionName, logger });
    js = jetstream(nc);
    const topology = busTopology({ prefix: n.subjectPrefix, eventsStream: n.eventsStream, commandsStream: n.commandsStream, eventsMaxAgeMs: 3_600_000 });
    await ensureStreams(nc, topology, logger);
  });
  afterAll(async () => {
    await deleteStreams([n.eventsStream, n.commandsStream]);
    await closeBus(nc);
  });
  return {
    get nc() {
      return nc;
    },
    get js() {
      return js;
    },
  };
}
