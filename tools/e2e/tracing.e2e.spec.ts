// One trace per refresh, through the running stack (issue 8, decision 0013). Every app
// exports over OTLP/HTTP to a receiver in this test (a real exporter over a real
// connection, from five child processes). A refresh through the gateway, with a stream
// open on the source, must make ONE trace whose spans cover every hop: the gateway's HTTP
// request, the scheduler's revalidate, the ingest worker's job, its upstream requests (and
// upstream-sim's side of them), the event store's appends, the outbox publishes, the
// cache's projection and the gateway's fan-out to the open stream — with no span whose
// parent is missing.
//
// Then the bad inputs, in one stack: three apps with no endpoint (a canary on the SDK's
// default port must hear nothing from them), the gateway exporting to a port nobody listens
// on, the cache to a collector that accepts connections and never answers. Refreshes still
// work end to end, failures are logged once per interval, and every app still stops
// cleanly, well within its grace period.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, OTLP_SPAN_KIND, startOtlpReceiver, waitFor, type OtlpReceiver, type ReceivedSpan, type SseConnection, type SseEvent, freePort } from '@freshet/testkit';
import { devAuth, registerSource, requestRefresh, seedDataset } from '../dev/demo-seed';
import { APP_NAMES, type AppName } from '../dev/stack';
import { startE2eStack, type E2eStack } from './e2e-stack';

const TENANT = 'acme';
const SOURCE = 'traced';
const DATASET = 'acme-traced';
/** Three pages of 10: three upstream requests in one job. */
const ITEMS = 25;
const PAGE_SIZE = '10';

const jobIdOf = (e: SseEvent) => (JSON.parse(e.data) as { data?: { jobId?: string } }).data?.jobId;

/** The same variables for every app. */
function everyApp(env: Record<string, string>): Partial<Record<AppName, Record<string, string>>> {
  return Object.fromEntries(APP_NAMES.map((app) => [app, { ...env, ...(app === 'upstream-sim' ? { SIM_PAGE_SIZE: PAGE_SIZE } : {}) }]));
}

async function openStream(stack: E2eStack): Promise<SseConnection> {
  const sse = await openSse(`${stack.urls.gateway}/v1/tenants/${TENANT}/sources/${SOURCE}/events`, { headers: await devAuth(TENANT) });
  expect(sse.status).toBe(200);
  await sse.waitFor((e) => e.event === 'ready');
  return sse;
}

async function refreshAndWait(stack: E2eStack, sse: SseConnection): Promise<string> {
  const from = sse.events.length;
  const { jobId } = await requestRefresh(stack.urls.gateway, TENANT, SOURCE);
  await sse.waitFor((e) => e.event === 'job.completed' && jobIdOf(e) === jobId, { from, timeoutMs: 30_000 });
  return jobId;
}

describe('a refresh is one trace across every service', () => {
  let receiver: OtlpReceiver;
  let stack: E2eStack;
  let sse: SseConnection;
  let jobId: string;
  let spans: ReceivedSpan[];

  const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
  const find = (list: readonly ReceivedSpan[], service: string, name: string | RegExp) =>
    list.filter((s) => s.service === service && (typeof name === 'string' ? s.name === name : name.test(s.name)));
  /** Spans whose parent is not in the trace (the root's parent is empty). */
  const orphans = (list: readonly ReceivedSpan[]) => {
    const ids = new Set(list.map((s) => s.spanId));
    return list.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId));
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startE2eStack('trace', everyApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' }));
    await seedDataset(stack.urls['upstream-sim'], DATASET, ITEMS);
    await registerSource(stack.urls, TENANT, SOURCE, DATASET);
    sse = await openStream(stack);
    jobId = await refreshAndWait(stack, sse);

    // The refresh's trace: the one of the gateway's POST …/refresh server span.
    const root = await waitFor(() => receiver.spans.find((s) => s.service === 'gateway' && s.name === 'POST /v1/tenants/:tenant/sources/:source/refresh'), {
      message: 'the refresh request span',
    });
    // Every hop has reported, and every span's parent is there (exports come in batches, parents often last).
    spans = await waitFor(
      () => {
        const trace = inTrace(root.traceId);
        const contentSpans = (service: string, name: string) => find(trace, service, name).filter((s) => s.attributes['freshet.event.type'] === 'content.created');
        const complete =
          contentSpans('gateway', 'sse.fanout').length === ITEMS &&
          contentSpans('cache', 'process cache-projection').length === ITEMS &&
          find(trace, 'gateway', 'sse.fanout').some((s) => s.attributes['freshet.event.type'] === 'cache.written') &&
          find(trace, 'ingest', /^process /).length > 0 &&
          find(trace, 'upstream-sim', /^GET /).length >= 3 &&
          orphans(trace).length === 0;
        return complete ? trace : undefined;
      },
      { timeoutMs: 20_000, message: 'every hop of the refresh in its trace' },
    );
  }, 120_000);

  afterAll(async () => {
    sse?.close();
    await stack?.teardown();
    await receiver?.close();
  });

  it('starts at the gateway request and reaches the scheduler through the revalidate request', () => {
    const [root] = find(spans, 'gateway', 'POST /v1/tenants/:tenant/sources/:source/refresh');
    expect(root).toMatchObject({ parentSpanId: '', kind: OTLP_SPAN_KIND.server });
    expect(root?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/v1/tenants/:tenant/sources/:source/refresh', 'http.response.status_code': 202 });
    expect(root?.attributes['url.path']).toBe(`/v1/tenants/${TENANT}/sources/${SOURCE}/refresh`);

    const [request] = find(spans, 'gateway', 'request rpc.scheduler.revalidate');
    expect(request).toMatchObject({ kind: OTLP_SPAN_KIND.client, parentSpanId: root?.spanId });
    const [respond] = find(spans, 'sync-scheduler', 'respond rpc.scheduler.revalidate');
    expect(respond).toMatchObject({ kind: OTLP_SPAN_KIND.server, parentSpanId: request?.spanId });
    expect(respond?.attributes).toMatchObject({ 'messaging.system': 'nats', 'freshet.job.id': jobId, 'freshet.job.joined': false });
    // The scheduler asked ingest whether the source exists, queued the job and sent its command.
    const [lookup] = find(spans, 'sync-scheduler', 'request rpc.ingest.get-source');
    expect(lookup?.parentSpanId).toBe(respond?.spanId);
    expect(find(spans, 'ingest', 'respond rpc.ingest.get-source').filter((s) => s.parentSpanId === lookup?.spanId)).toHaveLength(1);
    expect(find(spans, 'sync-scheduler', 'event-store append').map((s) => s.attributes['freshet.event_store.event_types'])).toContainEqual(['job.queued']);
    expect(find(spans, 'sync-scheduler', 'publish sync.requested')).toHaveLength(1);
  });

  it('continues in the ingest worker, with a client span per upstream request that upstream-sim continued', () => {
    const [command] = find(spans, 'sync-scheduler', 'publish sync.requested');
    const [job] = find(spans, 'ingest', /^process .*-p10$/);
    expect(job).toMatchObject({ kind: OTLP_SPAN_KIND.consumer, parentSpanId: command?.spanId });
    expect(job?.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'freshet.bus.outcome': 'ack' });

    const simPort = Number(new URL(stack.urls['upstream-sim']).port);
    const upstream = find(spans, 'ingest', 'GET').filter((s) => s.kind === OTLP_SPAN_KIND.client);
    expect(upstream).toHaveLength(3);
    for (const span of upstream) {
      expect(span.parentSpanId).toBe(job?.spanId);
      expect(span.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'server.port': simPort, 'http.response.status_code': 200 });
      expect(span.attributes['url.full']).toContain(`/v1/datasets/${DATASET}/items`);
    }
    // The traceparent each request carried: upstream-sim's server spans are their children.
    const simSpans = find(spans, 'upstream-sim', /^GET /);
    expect(simSpans.map((s) => s.parentSpanId).sort()).toEqual(upstream.map((s) => s.spanId).sort());
  });

  it('covers the event store appends and the outbox publishes of the job', () => {
    const [job] = find(spans, 'ingest', /^process .*-p10$/);
    const appends = find(spans, 'ingest', 'event-store append');
    const types = appends.flatMap((s) => s.attributes['freshet.event_store.event_types'] as string[]);
    expect(types).toEqual(expect.arrayContaining(['job.started', 'content.created', 'job.completed']));
    for (const append of appends) expect(append.parentSpanId).toBe(job?.spanId);
    // The relay published each event later, from no context of its own, in the trace of its append.
    const published = find(spans, 'ingest', 'publish content.created');
    expect(published).toHaveLength(ITEMS);
    const appendIds = new Set(appends.map((s) => s.spanId));
    expect(published.every((s) => appendIds.has(s.parentSpanId) && s.kind === OTLP_SPAN_KIND.producer)).toBe(true);
  });

  it('reaches the cache projection and the gateway fan-out to the open stream, one span per event', () => {
    const published = new Map(find(spans, 'ingest', /^publish /).map((s) => [s.spanId, s]));
    const projected = find(spans, 'cache', 'process cache-projection').filter((s) => s.attributes['freshet.event.type'] === 'content.created');
    expect(projected).toHaveLength(ITEMS);
    expect(projected.every((s) => published.has(s.parentSpanId) && s.attributes['freshet.cache.applied'] === true)).toBe(true);

    const fanouts = find(spans, 'gateway', 'sse.fanout').filter((s) => s.attributes['freshet.event.type'] === 'content.created');
    expect(fanouts).toHaveLength(ITEMS);
    for (const fanout of fanouts) {
      expect(published.has(fanout.parentSpanId)).toBe(true);
      expect(fanout.attributes['freshet.sse.connections_written']).toBe(1);
    }
    // What the stream received is what was fanned out.
    expect(sse.events.filter((e) => e.event === 'content.created' && jobIdOf(e) === jobId)).toHaveLength(ITEMS);

    // The cache's coalesced cache.written notification belongs to the trace of the changes it
    // covers (here all from this refresh), and the stream got it through the fan-out too.
    const [written] = find(spans, 'cache', 'cache.written');
    expect(projected.some((s) => s.spanId === written?.parentSpanId)).toBe(true);
    const [writtenPublish] = find(spans, 'cache', 'publish cache.written');
    expect(writtenPublish?.parentSpanId).toBe(written?.spanId);
    expect(find(spans, 'gateway', 'sse.fanout').some((s) => s.parentSpanId === writtenPublish?.spanId)).toBe(true);
  });

  it('is one trace: the job and its events made no trace of their own', () => {
    const jobTraces = new Set(receiver.spans.filter((s) => s.service === 'ingest' && /^process .*-p10$/.test(s.name)).map((s) => s.traceId));
    expect([...jobTraces]).toEqual([spans[0]?.traceId]);
    expect(orphans(spans)).toEqual([]);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['gateway', 'sync-scheduler', 'ingest', 'upstream-sim', 'cache']));
  });
});

describe('tracing that is not set up, or whose collector is gone, changes nothing', () => {
  let stack: E2eStack;
  let canary: Server | undefined;
  let canaryConnections = 0;
  /** Accepts connections and never answers: a collector that hangs. */
  let blackhole: Server;
  const held = new Set<Socket>();
  /** Apps without any endpoint. */
  const unconfigured: AppName[] = ['upstream-sim', 'ingest', 'sync-scheduler'];

  beforeAll(async () => {
    // The SDK's default endpoint is localhost:4318: an app that exported without being told
    // where would connect here. (Skipped when something else already listens there.)
    canary = createServer((socket) => {
      canaryConnections += 1;
      socket.destroy();
    });
    const listening = await new Promise<boolean>((resolve) => {
      canary?.once('error', () => resolve(false));
      canary?.listen(4318, '::', () => resolve(true));
    });
    if (!listening) canary = undefined;
    blackhole = createServer((socket) => void held.add(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const env: Partial<Record<AppName, Record<string, string>>> = {
      'upstream-sim': { SIM_PAGE_SIZE: PAGE_SIZE },
      // Nobody listens: every export is refused (and retried for up to 2 s).
      gateway: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_TIMEOUT: '2000' },
      // Exports hang for a minute: a shutdown that waited for them would miss its grace period.
      cache: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_TIMEOUT: '60000' },
    };
    stack = await startE2eStack('notrace', env);
    await seedDataset(stack.urls['upstream-sim'], DATASET, ITEMS);
    await registerSource(stack.urls, TENANT, SOURCE, DATASET);
  }, 120_000);

  afterAll(async () => {
    await stack?.teardown();
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
    await new Promise<void>((resolve) => (canary ? canary.close(() => resolve()) : resolve()));
  });

  const linesOf = (app: AppName) =>
    readFileSync(stack.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${app} |`));

  it('serves refreshes end to end; nothing goes to the default endpoint; failures are logged once per interval', async () => {
    const sse = await openStream(stack);
    try {
      for (let i = 0; i < 2; i++) {
        const jobId = await refreshAndWait(stack, sse);
        expect(sse.events.filter((e) => e.event === 'content.created' && jobIdOf(e) === jobId)).toHaveLength(i === 0 ? ITEMS : 0);
        await waitFor(async () => ((await (await fetch(`${stack.urls['sync-scheduler']}/v1/jobs/${jobId}`)).json()) as { status?: string }).status === 'completed', {
          message: 'job completed in the ledger',
        });
      }
    } finally {
      sse.close();
    }
    // Several export rounds have failed by now (one every ~2 s, the spans keep coming); one line.
    await waitFor(() => linesOf('gateway').some((l) => l.includes('trace export failed')), { timeoutMs: 10_000, message: 'the gateway export failure logged' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(linesOf('gateway').filter((l) => l.includes('trace export failed'))).toHaveLength(1);
    expect(linesOf('cache').filter((l) => l.includes('trace export failed')).length).toBeLessThanOrEqual(1);
    for (const app of ['gateway', 'cache'] as const) expect(linesOf(app).some((l) => l.includes('tracing: exporting spans over OTLP/HTTP'))).toBe(true);
    for (const app of unconfigured) {
      expect(linesOf(app).some((l) => l.includes('tracing: not exporting') && l.includes('no-endpoint'))).toBe(true);
      expect(linesOf(app).some((l) => l.includes('trace export failed'))).toBe(false);
    }
    expect(held.size).toBeGreaterThan(0); // the cache did try its (hanging) collector
    if (canary) expect(canaryConnections).toBe(0);
  });

  it('stops every app cleanly within its grace period, exports pending or not', async () => {
    for (const app of [...APP_NAMES].reverse()) {
      const started = performance.now();
      const code = await stack.processes[app].stop();
      // 0: stopped by itself (the forced exit after SHUTDOWN_GRACE_MS would be 1, a SIGKILL null).
      expect({ app, code }).toEqual({ app, code: 0 });
      expect(performance.now() - started).toBeLessThan(8_000);
    }
    // The cache's last exports hung: its shutdown gave up on them after the bound, as designed.
    expect(linesOf('cache').some((l) => l.includes('tracing: the last export did not finish in time'))).toBe(true);
  });
});
