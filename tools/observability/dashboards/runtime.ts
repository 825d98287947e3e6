// Runtime: every service's process and Node.js runtime metrics (semantic conventions
// `process.*`, `nodejs.*`, `v8js.*`), its HTTP traffic and its bus operations.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from './dashboard';
import { labelVariable, row, timeseries } from './panels';

const W = '[$__rate_interval]';
const SERVICE = 'job=~"$service"';

export function runtimeDashboard(): Dashboard {
  return buildDashboard({
    uid: 'freshet-runtime',
    title: 'Freshet / Runtime',
    description: 'Event-loop lag, heap, GC, CPU and memory of every service; HTTP and bus traffic.',
    variables: [labelVariable('service', 'job', 'process_uptime_seconds', 'Service')],
    items: [
      row('Processes'),
      timeseries({
        title: 'Targets up',
        description: 'Whether Prometheus could scrape each service (1 up, 0 down).',
        unit: 'none',
        width: 8,
        queries: [{ expr: `min by (job) (up{${SERVICE}})`, legend: '{{job}}' }],
      }),
      timeseries({
        title: 'Uptime',
        description: 'Time since each process started (drops to 0 on a restart).',
        unit: 's',
        width: 8,
        queries: [{ expr: `min by (job, instance) (process_uptime_seconds{${SERVICE}})`, legend: '{{job}} {{instance}}' }],
      }),
      timeseries({
        title: 'CPU',
        description: 'CPU seconds used per second (1 = one core), user and system.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (job, instance) (rate(process_cpu_time_seconds_total{${SERVICE}}${W}))`, legend: '{{job}} {{instance}}' }],
      }),
      row('Node.js'),
      timeseries({
        title: 'Event-loop delay p99',
        description: 'How late timers run: the event loop blocked by synchronous work (per scrape interval).',
        unit: 's',
        queries: [{ expr: `max by (job, instance) (nodejs_eventloop_delay_p99_seconds{${SERVICE}})`, legend: '{{job}} {{instance}}' }],
      }),
      timeseries({
        title: 'Event-loop utilization',
        description: 'Share of time the event loop was busy.',
        unit: 'percentunit',
        queries: [{ expr: `max by (job, instance) (nodejs_eventloop_utilization_ratio{${SERVICE}})`, legend: '{{job}} {{instance}}' }],
      }),
      timeseries({
        title: 'Heap used',
        description: 'V8 heap in use, every space.',
        unit: 'bytes',
        width: 8,
        queries: [{ expr: `sum by (job, instance) (v8js_memory_heap_used_bytes{${SERVICE}})`, legend: '{{job}} {{instance}}' }],
      }),
      timeseries({
        title: 'Resident memory',
        description: 'Physical memory of each process.',
        unit: 'bytes',
        width: 8,
        queries: [{ expr: `max by (job, instance) (process_memory_usage_bytes{${SERVICE}})`, legend: '{{job}} {{instance}}' }],
      }),
      timeseries({
        title: 'GC pause time',
        description: 'Seconds spent in garbage collection per second (0 for a process that has not collected yet).',
        unit: 'percentunit',
        width: 8,
        queries: [
          {
            expr: `sum by (job, instance) (rate(v8js_gc_duration_seconds_sum{${SERVICE}}${W})) or sum by (job, instance) (rate(process_cpu_time_seconds_total{${SERVICE}}${W})) * 0`,
            legend: '{{job}} {{instance}}',
          },
        ],
      }),
      row('Traffic'),
      timeseries({
        title: 'HTTP requests by service',
        description: 'HTTP answers per second (http.server.request.duration count).',
        unit: 'reqps',
        width: 8,
        queries: [{ expr: `sum by (job) (rate(http_server_request_duration_seconds_count{${SERVICE}}${W}))`, legend: '{{job}}' }],
      }),
      timeseries({
        title: 'Bus messages sent and consumed',
        description: 'NATS messages published or requested, and consumed or answered, per second.',
        unit: 'ops',
        width: 8,
        queries: [
          { expr: `sum by (job, messaging_operation_name) (rate(messaging_client_sent_messages_total{${SERVICE}}${W}))`, legend: '{{job}} {{messaging_operation_name}}' },
          { expr: `sum by (job, messaging_operation_name) (rate(messaging_client_consumed_messages_total{${SERVICE}}${W}))`, legend: '{{job}} {{messaging_operation_name}}' },
        ],
      }),
      timeseries({
        title: 'Bus publish and request time p95',
        description: 'Publishes until acknowledged and RPC requests until answered (messaging.client.operation.duration).',
        unit: 's',
        width: 8,
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, job, messaging_operation_name) (rate(messaging_client_operation_duration_seconds_bucket{${SERVICE}}${W})))`,
            legend: '{{job}} {{messaging_operation_name}}',
          },
        ],
      }),
    ],
  });
}
