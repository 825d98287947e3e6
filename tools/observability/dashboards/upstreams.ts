// Upstreams and sync: what the syncs cost upstream (requests spent, saved by incremental
// strategies), how upstreams push back (429s, pauses, waits for permission, quota), and
// what the syncs did (outcomes, duration, records, pages).
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from './dashboard';
import { row, sourceVariable, tenantVariable, TENANT_SOURCE, timeseries } from './panels';

const W = '[$__rate_interval]';

export function upstreamsDashboard(): Dashboard {
  return buildDashboard({
    uid: 'freshet-upstreams',
    title: 'Freshet / Upstreams and sync',
    description: 'Upstream requests spent and saved, rate limits, pauses, quota, and sync outcomes.',
    variables: [tenantVariable(), sourceVariable()],
    items: [
      row('Requests'),
      timeseries({
        title: 'Requests spent by source',
        description: 'Requests sent to upstreams per second, by the source they synced.',
        unit: 'reqps',
        queries: [{ expr: `sum by (tenant, source) (rate(freshet_upstream_requests_total{${TENANT_SOURCE}}${W}))`, legend: '{{tenant}}/{{source}}' }],
      }),
      timeseries({
        title: 'Requests saved by incremental strategies',
        description: 'Requests an incremental strategy (ETag 304, stop at id, Expires) avoided compared with a full listing, per second.',
        unit: 'reqps',
        queries: [{ expr: `sum by (tenant, source, strategy) (rate(freshet_sync_requests_saved_total{${TENANT_SOURCE}}${W}))`, legend: '{{tenant}}/{{source}} ({{strategy}})' }],
      }),
      timeseries({
        title: 'Answers by status',
        description: 'Upstream answers per second by HTTP status (`error`: no answer).',
        unit: 'reqps',
        queries: [{ expr: `sum by (status) (rate(freshet_upstream_requests_total{${TENANT_SOURCE}}${W}))`, legend: '{{status}}' }],
      }),
      timeseries({
        title: 'Request latency p95 by upstream',
        description: 'Upstream HTTP requests until their answer headers arrived (http.client.request.duration).',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, upstream) (rate(http_client_request_duration_seconds_bucket${W})))`, legend: '{{upstream}}' }],
      }),
      row('Rate limits and quota'),
      timeseries({
        title: '429 / 420 answers by upstream',
        description: 'Upstream answers asking us to slow down, per second.',
        unit: 'reqps',
        width: 8,
        queries: [{ expr: `sum by (upstream, status) (rate(freshet_upstream_rate_limited_total${W}))`, legend: '{{upstream}} {{status}}' }],
      }),
      timeseries({
        title: 'Pauses by upstream and reason',
        description: 'Pauses set or lengthened for every replica (429 Retry-After, ESI error limit, 503 Retry-After).',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (upstream, reason) (increase(freshet_upstream_pauses_total${W}))`, legend: '{{upstream}} {{reason}}' }],
      }),
      timeseries({
        title: 'Waits for permission by reason',
        description: 'Requests that had to wait (token bucket, per-page delay, shared pause) per second, and the p95 of the time waited.',
        unit: 'ops',
        width: 8,
        queries: [{ expr: `sum by (upstream, reason) (rate(freshet_upstream_throttle_waits_total${W}))`, legend: '{{upstream}} {{reason}}' }],
      }),
      timeseries({
        title: 'Time waiting for permission p95',
        description: 'Time a request spent waiting for permission to call its upstream.',
        unit: 's',
        width: 8,
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, upstream) (rate(freshet_upstream_throttle_wait_seconds_bucket${W})))`, legend: '{{upstream}}' }],
      }),
      timeseries({
        title: 'Daily quota left',
        description: "Requests left today of each upstream's daily budget.",
        unit: 'none',
        width: 8,
        queries: [{ expr: 'min by (upstream) (freshet_upstream_budget_remaining)', legend: '{{upstream}}' }],
      }),
      timeseries({
        title: 'Daily quota spent',
        description: "Requests spent today of each upstream's daily budget.",
        unit: 'none',
        width: 8,
        queries: [{ expr: 'max by (upstream) (freshet_upstream_budget_spent)', legend: '{{upstream}}' }],
      }),
      row('Syncs'),
      timeseries({
        title: 'Sync attempts by outcome',
        description: 'Attempts per second: completed, retrying (will run again), failed (final).',
        unit: 'ops',
        queries: [{ expr: `sum by (outcome) (rate(freshet_sync_jobs_total{${TENANT_SOURCE}}${W}))`, legend: '{{outcome}}' }],
      }),
      timeseries({
        title: 'Sync duration p95 by source',
        description: 'Duration of sync attempts.',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, tenant, source) (rate(freshet_sync_duration_seconds_bucket{${TENANT_SOURCE}}${W})))`, legend: '{{tenant}}/{{source}}' }],
      }),
      timeseries({
        title: 'Records by action',
        description: 'Records seen by syncs per second: created, updated, deleted, unchanged, skipped.',
        unit: 'ops',
        queries: [{ expr: `sum by (action) (rate(freshet_sync_records_total{${TENANT_SOURCE}}${W}))`, legend: '{{action}}' }],
      }),
      timeseries({
        title: 'Pages fetched by source',
        description: 'Pages fetched by syncs per second.',
        unit: 'ops',
        queries: [{ expr: `sum by (tenant, source) (rate(freshet_sync_pages_total{${TENANT_SOURCE}}${W}))`, legend: '{{tenant}}/{{source}}' }],
      }),
    ],
  });
}
