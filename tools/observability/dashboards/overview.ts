// Overview: is data fresh (the SLO), are syncs running, how much quota is left, and is
// anything failing. One screen an operator opens first.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { FRESHNESS_SLO, SLO_BUCKET } from '../slo';
import { buildDashboard } from './dashboard';
import { row, sourceVariable, stat, tenantVariable, TENANT_SOURCE, timeseries } from './panels';

const AGE = `freshet_gateway_data_age_seconds`;

export function overviewDashboard(): Dashboard {
  return buildDashboard({
    uid: 'freshet-overview',
    title: 'Freshet / Overview',
    description: 'Freshness SLO, syncs, quota and errors across the stack.',
    variables: [tenantVariable(), sourceVariable()],
    items: [
      row('Freshness SLO'),
      stat({
        title: `Deliveries within ${FRESHNESS_SLO.seconds} s (SLO ${FRESHNESS_SLO.target * 100}%)`,
        description: `Share of content events written to SSE streams within ${FRESHNESS_SLO.seconds} s of their upstream fetch, over the dashboard's time range.`,
        unit: 'percentunit',
        red: FRESHNESS_SLO.target,
        lowIsBad: true,
        queries: [{ expr: `sum(increase(${AGE}_bucket{${TENANT_SOURCE}, ${SLO_BUCKET}}[$__range])) / sum(increase(${AGE}_count{${TENANT_SOURCE}}[$__range]))` }],
      }),
      stat({
        title: 'Dead jobs',
        description: 'Jobs that failed for good and wait for a retry by hand (admin overview, POST /v1/admin/jobs/:id/retry).',
        unit: 'none',
        red: 1,
        queries: [{ expr: 'max(freshet_scheduler_jobs{status="dead"})' }],
      }),
      stat({
        title: 'Daily quota left (lowest upstream)',
        description: "Requests left today of the most spent upstream's daily budget (upstreams with `dailyBudget`).",
        unit: 'none',
        queries: [{ expr: 'min(freshet_upstream_budget_remaining)' }],
      }),
      stat({
        title: 'Services down',
        description: 'Scrape targets that do not answer /metrics.',
        unit: 'none',
        red: 1,
        queries: [{ expr: 'count(up == 0) or vector(0)' }],
      }),
      timeseries({
        title: 'Data age at delivery',
        description: 'Upstream fetch → written to the SSE sockets, once per content event (p50 and p99).',
        unit: 's',
        queries: [
          { expr: `histogram_quantile(0.99, sum by (le) (rate(${AGE}_bucket{${TENANT_SOURCE}}[$__rate_interval])))`, legend: 'p99' },
          { expr: `histogram_quantile(0.5, sum by (le) (rate(${AGE}_bucket{${TENANT_SOURCE}}[$__rate_interval])))`, legend: 'p50' },
        ],
      }),
      timeseries({
        title: 'Data age p99 by source',
        description: 'The SLO by tenant and source (sources the registry does not know read `_other`).',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.99, sum by (le, tenant, source) (rate(${AGE}_bucket{${TENANT_SOURCE}}[$__rate_interval])))`, legend: '{{tenant}}/{{source}}' }],
      }),
      row('Syncs and upstreams'),
      timeseries({
        title: 'Sync attempts by outcome',
        description: 'Sync job attempts per second: completed, retrying (will run again), failed (final).',
        unit: 'ops',
        width: 8,
        queries: [{ expr: `sum by (outcome) (rate(freshet_sync_jobs_total{${TENANT_SOURCE}}[$__rate_interval]))`, legend: '{{outcome}}' }],
      }),
      timeseries({
        title: 'Upstream requests by answer',
        description: 'Requests sent to upstreams per second, by HTTP status (`error`: no answer).',
        unit: 'reqps',
        width: 8,
        queries: [{ expr: `sum by (status) (rate(freshet_upstream_requests_total{${TENANT_SOURCE}}[$__rate_interval]))`, legend: '{{status}}' }],
      }),
      timeseries({
        title: 'Daily quota left by upstream',
        description: 'Requests left today of each upstream daily budget.',
        unit: 'none',
        width: 8,
        queries: [{ expr: 'min by (upstream) (freshet_upstream_budget_remaining)', legend: '{{upstream}}' }],
      }),
      row('Errors'),
      timeseries({
        title: 'Server errors (5xx) by service',
        description: 'HTTP answers with a 5xx status per second, by service (0 when there are none).',
        unit: 'reqps',
        width: 8,
        queries: [
          {
            expr: 'sum by (job) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[$__rate_interval])) or sum by (job) (rate(http_server_request_duration_seconds_count[$__rate_interval])) * 0',
            legend: '{{job}}',
          },
        ],
      }),
      timeseries({
        title: 'Failed sync attempts by source',
        description: 'Attempts that failed (final) or will be retried, per second (0 when there are none).',
        unit: 'ops',
        width: 8,
        queries: [
          {
            expr: `sum by (tenant, source) (rate(freshet_sync_jobs_total{${TENANT_SOURCE}, outcome!="completed"}[$__rate_interval])) or sum by (tenant, source) (rate(freshet_sync_jobs_total{${TENANT_SOURCE}}[$__rate_interval])) * 0`,
            legend: '{{tenant}}/{{source}}',
          },
        ],
      }),
      timeseries({
        title: 'Upstream 429s by source',
        description: 'Answers asking us to slow down (429, 420) per second (0 when there are none).',
        unit: 'reqps',
        width: 8,
        queries: [
          {
            expr: `sum by (tenant, source) (rate(freshet_upstream_rate_limited_total{${TENANT_SOURCE}}[$__rate_interval])) or sum by (tenant, source) (rate(freshet_upstream_requests_total{${TENANT_SOURCE}}[$__rate_interval])) * 0`,
            legend: '{{tenant}}/{{source}}',
          },
        ],
      }),
    ],
  });
}
