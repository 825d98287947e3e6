import Fastify from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceMetrics, observabilityPlugin, type ServiceMetrics } from '../index';
import { prometheusName } from './prometheus-name';
import { RUNTIME_INSTRUMENTS } from './runtime-metrics';

describe('runtime and process metrics', () => {
  const open: Array<{ app: { close(): Promise<unknown> }; metrics: ServiceMetrics }> = [];
  afterEach(async () => {
    for (const { app, metrics } of open.splice(0)) {
      await app.close();
      await metrics.shutdown();
    }
  });

  async function scrape(options?: Parameters<typeof createServiceMetrics>[1]): Promise<string> {
    const app = Fastify();
    const metrics = createServiceMetrics('runtime-test', options);
    open.push({ app, metrics });
    await app.register(observabilityPlugin, { service: 'runtime-test', metrics, readiness: {} });
    // The event-loop delay gauges report once the histogram holds a few 10 ms samples.
    await sleep(150);
    await app.inject('/metrics'); // the first read sets the utilization baseline
    await sleep(50);
    return (await app.inject('/metrics')).body;
  }

  it('are on /metrics under the Prometheus form of their semantic-convention names', async () => {
    const text = await scrape();
    const sample = (name: string) => new RegExp(`^${name}(\\{[^}]*\\})? [0-9.e+-]+$`, 'm');
    for (const name of [
      'process_cpu_time_seconds_total',
      'process_memory_usage_bytes',
      'process_uptime_seconds',
      'v8js_memory_heap_used_bytes',
      'nodejs_eventloop_utilization_ratio',
      'nodejs_eventloop_delay_p99_seconds',
      'nodejs_eventloop_time_seconds_total',
    ]) {
      expect(text, name).toMatch(sample(name));
    }
    expect(text).toMatch(/^v8js_memory_heap_used_bytes\{[^}]*v8js_heap_space_name="old_space"[^}]*\} [0-9.e+]+$/m);
    // None under its unsuffixed library name.
    expect(text).not.toMatch(/^(nodejs_eventloop_delay_p99|v8js_memory_heap_used|process_memory_usage)[ {]/m);
  });

  it('name every renamed instrument with its unit', () => {
    const names = RUNTIME_INSTRUMENTS.map(({ name, unit }) => prometheusName(name, unit));
    expect(names).toContain('v8js_gc_duration_seconds');
    expect(new Set(names).size).toBe(names.length);
  });

  it('can be left out', async () => {
    const text = await scrape({ runtime: false });
    expect(text).not.toMatch(/process_cpu_time|nodejs_eventloop|v8js_/);
  });
});
