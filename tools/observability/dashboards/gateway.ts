// Gateway: SSE connections, delivery lag and data age, replays, resets, slow-client drops,
// refusals, the fan-out backlog and the HTTP API.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from './dashboard';
import { row, sourceVariable, stat, TENANT, tenantVariable, TENANT_SOURCE, timeseries } from './panels';

const W = '[$__rate_interval]';

export function gatewayDashboard(): Dashboard {
  return buildDashboard({
    uid: 'freshet-gateway',
    title: 'Freshet / Gateway',
    description: 'SSE streams, delivery lag, data age, resumes, resets, drops, the fan-out and the HTTP API.',
    variables: [tenantVariable(), sourceVariable()],
    items: [
      row('Streams'),
      stat({ title: 'Open streams', description: 'SSE streams open now, every gateway.', unit: 'none', queries: [{ expr: `sum(freshet_gateway_open_streams{${TENANT}})` }] }),
      stat({
        title: 'Slow-client drops',
        description: 'Streams ended because the client did not read fast enough, over the time range.',
        unit: 'none',
        red: 1,
        queries: [{ expr: `sum(increase(freshet_gateway_slow_client_drops_total{${TENANT}}[$__range]))` }],
      }),
      stat({
        title: 'Resets',
        description: 'Reset events sent (the client reloads snapshots), over the time range.',
        unit: 'none',
        queries: [{ expr: 'sum(increase(freshet_gateway_stream_resets_total[$__range]))' }],
      }),
      stat({
        title: 'Fan-out backlog',
        description: 'Events the busiest gateway has not dispatched yet.',
        unit: 'none',
        red: 1000,
        queries: [{ expr: 'max(freshet_gateway_fanout_pending_messages)' }],
      }),
      timeseries({
        title: 'Open streams by tenant',
        description: 'SSE streams open, by tenant.',
        unit: 'none',
        queries: [{ expr: `sum by (tenant) (freshet_gateway_open_streams{${TENANT}})`, legend: '{{tenant}}' }],
      }),
      timeseries({
        title: 'Events delivered by tenant',
        description: 'Live events written per second (one per stream each went to), and events replayed after Last-Event-ID.',
        unit: 'ops',
        queries: [
          { expr: `sum by (tenant) (rate(freshet_gateway_events_delivered_total{${TENANT}}${W}))`, legend: '{{tenant}} live' },
          { expr: `sum by (tenant) (rate(freshet_gateway_events_replayed_total{${TENANT}}${W}))`, legend: '{{tenant}} replayed' },
          { expr: `sum by (tenant) (rate(freshet_gateway_events_coalesced_total{${TENANT}}${W}))`, legend: '{{tenant}} merged by coalescing' },
        ],
      }),
      timeseries({
        title: 'Delivery lag',
        description: "An event's time → written to the sockets, every event type (p50 and p99), live or after a coalescing window.",
        unit: 's',
        queries: [
          { expr: `histogram_quantile(0.99, sum by (le, mode) (rate(freshet_gateway_delivery_lag_seconds_bucket${W})))`, legend: 'p99 {{mode}}' },
          { expr: `histogram_quantile(0.5, sum by (le, mode) (rate(freshet_gateway_delivery_lag_seconds_bucket${W})))`, legend: 'p50 {{mode}}' },
        ],
      }),
      timeseries({
        title: 'Data age at delivery p99 by source',
        description: 'Upstream fetch → written to the sockets, for content events (the freshness SLO).',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.99, sum by (le, tenant, source) (rate(freshet_gateway_data_age_seconds_bucket{${TENANT_SOURCE}}${W})))`, legend: '{{tenant}}/{{source}}' }],
      }),
      row('Resets, drops and refusals'),
      timeseries({
        title: 'Resets by reason',
        description: 'Reset events sent: a bad or future Last-Event-ID, a recreated stream, a replay past its limits, history gone.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (reason) (increase(freshet_gateway_stream_resets_total${W}))`, legend: '{{reason}}' }],
      }),
      timeseries({
        title: 'Slow-client drops by tenant',
        description: 'Streams ended because their client read too slowly.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (tenant) (increase(freshet_gateway_slow_client_drops_total{${TENANT}}${W}))`, legend: '{{tenant}}' }],
      }),
      timeseries({
        title: 'Streams refused',
        description: 'Streams refused with 429 by the concurrent stream limits, by limit.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (reason) (increase(freshet_gateway_streams_refused_total${W}))`, legend: '{{reason}}' }],
      }),
      row('Fan-out and HTTP'),
      timeseries({
        title: 'Fan-out backlog and restarts',
        description: "Events in the stream each gateway's hub has not dispatched yet; restarts of its consumer.",
        unit: 'none',
        queries: [
          { expr: 'max by (instance) (freshet_gateway_fanout_pending_messages)', legend: 'backlog {{instance}}' },
          { expr: `sum by (instance) (increase(freshet_gateway_fanout_restarts_total${W}))`, legend: 'restarts {{instance}}' },
        ],
      }),
      timeseries({
        title: 'HTTP requests by route and status',
        description: "The gateway's HTTP answers per second (http.server.request.duration count).",
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (http_route, http_response_status_code) (rate(http_server_request_duration_seconds_count{job="gateway"}${W}))`,
            legend: '{{http_route}} {{http_response_status_code}}',
          },
        ],
      }),
      timeseries({
        title: 'HTTP latency p95 by route',
        description: "The gateway's HTTP request durations (SSE streams count until they close).",
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket{job="gateway"}${W})))`, legend: '{{http_route}}' }],
      }),
    ],
  });
}
