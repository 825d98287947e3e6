// The runtime and process metrics every service exports, from the OpenTelemetry libraries
// (semantic conventions `nodejs.*`, `v8js.*`, `process.*`): event-loop delay and
// utilization, heap by space, GC pauses, active resources, process CPU and memory, plus
// `process.uptime`. Their instruments are renamed by views to the Prometheus form of their
// semantic-convention names with the unit (`nodejs_eventloop_delay_p99_seconds`,
// `v8js_memory_heap_used_bytes`), as an OpenTelemetry Collector would export them.
import type { MeterProvider as ApiMeterProvider } from '@opentelemetry/api';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import type { ViewOptions } from '@opentelemetry/sdk-metrics';
import { prometheusName } from './prometheus-name';

/** Semantic-convention instruments made by the libraries below, with their units. */
export const RUNTIME_INSTRUMENTS: ReadonlyArray<{ name: string; unit: string }> = [
  ...['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'].map((stat) => ({ name: `nodejs.eventloop.delay.${stat}`, unit: 's' })),
  { name: 'nodejs.eventloop.utilization', unit: '1' },
  { name: 'nodejs.eventloop.time', unit: 's' },
  { name: 'v8js.gc.duration', unit: 's' },
  { name: 'v8js.memory.heap.used', unit: 'By' },
  { name: 'v8js.memory.heap.space.size', unit: 'By' },
  { name: 'v8js.memory.heap.space.available_size', unit: 'By' },
  { name: 'v8js.memory.heap.space.physical_size', unit: 'By' },
  { name: 'v8js.resource.active', unit: '{resource}' },
  { name: 'process.cpu.time', unit: 's' },
  { name: 'process.cpu.utilization', unit: '1' },
  { name: 'process.memory.usage', unit: 'By' },
];

/** Views giving each runtime instrument its Prometheus name (one view per instrument: a view may rename only one). */
export function runtimeMetricViews(): ViewOptions[] {
  return RUNTIME_INSTRUMENTS.map(({ name, unit }) => ({ instrumentName: name, name: prometheusName(name, unit) }));
}

export interface RuntimeMetrics {
  stop(): void;
}

/** Starts collecting; values are read when /metrics is scraped (no timers of its own). */
export function startRuntimeMetrics(provider: ApiMeterProvider): RuntimeMetrics {
  // Event-loop delay sampled every 10 ms (the library's default), reported per scrape.
  const runtime = new RuntimeNodeInstrumentation({ monitoringPrecision: 10 });
  runtime.setMeterProvider(provider);
  // Only the process groups: system-wide CPU and memory belong to a node exporter, not to every service.
  new HostMetrics({ meterProvider: provider, name: 'freshet-process', metricGroups: ['process.cpu', 'process.memory'] }).start();
  const meter = provider.getMeter('freshet-process');
  const started = performance.timeOrigin;
  meter
    .createObservableGauge(prometheusName('process.uptime', 's'), { description: 'Time since the process started, in seconds', unit: 's' })
    .addCallback((result) => result.observe((Date.now() - started) / 1000));
  return { stop: () => runtime.disable() };
}
