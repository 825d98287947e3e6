// The freshness metric through the real hub: a content event written to an open stream
// records its data age once (not per connection), labelled by tenant and source only when
// the source registry knows the pair. Bad input — events naming made-up sources (subjects
// say anything) — is counted under `_other` and never becomes a series of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { OTHER_LABEL_VALUE } from '@freshet/telemetry';
import { openSse, testNames, waitFor, type SseConnection } from '@freshet/testkit';
import { STREAM_METRICS } from './stream-metrics';
import { contentEvent, jobStarted, principalHeader, startStreamBus, startStreamGateway, type StreamBus, type StreamTestGateway } from './testing/stream-test-gateway';

let bus: StreamBus;
let gw: StreamTestGateway;
const open: SseConnection[] = [];

async function stream(path: string, tenant = 'acme'): Promise<SseConnection> {
  const connection = await openSse(`${gw.base}${path}`, { headers: principalHeader({ tenant }) });
  open.push(connection);
  expect(connection.status).toBe(200);
  await connection.waitFor((e) => e.event === 'ready');
  return connection;
}

/** The data-age series: their label sets and counts. */
async function dataAgeSeries(): Promise<Map<string, number>> {
  const { resourceMetrics } = await gw.metrics.exporter.collect();
  const series = new Map<string, number>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== STREAM_METRICS.dataAge) continue;
      for (const point of metric.dataPoints as DataPoint<{ count: number }>[]) series.set(`${point.attributes['tenant']}/${point.attributes['source']}`, point.value.count);
    }
  }
  return series;
}

beforeAll(async () => {
  bus = await startStreamBus(testNames('gwm'));
  gw = await startStreamGateway(bus);
});

afterAll(async () => {
  open.forEach((c) => c.close());
  await gw?.close();
  await bus?.close();
});

describe('data age at delivery', () => {
  it('is recorded once per content event, by tenant and source the registry knows', async () => {
    // Two connections carry the events: still one record per event.
    const one = await stream('/v1/tenants/acme/sources/orders/events');
    await stream('/v1/tenants/acme/stream?channel=tenant');
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push(await bus.publish(contentEvent({ source: 'orders' })));
    await bus.publish(jobStarted({ source: 'orders' })); // not content: no data age
    await one.waitFor((e) => e.event === 'job.started');
    expect((await dataAgeSeries()).get('acme/orders')).toBe(3);
    // The delivery lag covers every event type, once per event.
    expect(await gw.metric(STREAM_METRICS.deliveryLag, { mode: 'live' })).toBe(4);
  });

  it('labels events of sources the registry does not know `_other`, however many there are', async () => {
    const tenantStream = await stream('/v1/tenants/globex/stream?channel=tenant', 'globex');
    let last = 0;
    for (let i = 0; i < 40; i++) last = await bus.publish(contentEvent({ tenant: 'globex', source: `made-up-${i}` }));
    await tenantStream.waitFor((e) => (e.id ?? '').endsWith(`:${last}`), { timeoutMs: 10_000 });
    const series = await dataAgeSeries();
    expect(series.get(`${OTHER_LABEL_VALUE}/${OTHER_LABEL_VALUE}`)).toBe(40);
    expect([...series.keys()].filter((k) => k.includes('made-up'))).toEqual([]);
  });

  it('learns a known source seen first on a tenant channel from the registry, without holding events', async () => {
    // `users` is in the directory but no stream opened on it: the first event is `_other`, later ones are named.
    const tenantStream = await stream('/v1/tenants/initech/stream?channel=tenant', 'initech');
    const first = await bus.publish(contentEvent({ tenant: 'initech', source: 'users' }));
    await tenantStream.waitFor((e) => (e.id ?? '').endsWith(`:${first}`));
    await waitFor(
      async () => {
        const seq = await bus.publish(contentEvent({ tenant: 'initech', source: 'users' }));
        await tenantStream.waitFor((e) => (e.id ?? '').endsWith(`:${seq}`));
        return (await dataAgeSeries()).has('initech/users');
      },
      { message: 'initech/users labelled by name', timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it('has the drop and reset counters at 0 for a tenant with open streams (so rates and alerts see them before the first)', async () => {
    const { resourceMetrics } = await gw.metrics.exporter.collect();
    const pointsOf = (name: string) =>
      resourceMetrics.scopeMetrics.flatMap((s) => s.metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as DataPoint<number>[]));
    expect(pointsOf(STREAM_METRICS.slowClientDrops).find((p) => p.attributes['tenant'] === 'acme')?.value).toBe(0);
    expect(pointsOf(STREAM_METRICS.resets).map((p) => p.attributes['reason']).sort()).toEqual(['ahead_of_stream', 'epoch_changed', 'history_gone', 'malformed_last_event_id', 'replay_limit']);
  });
});
