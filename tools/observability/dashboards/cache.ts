// Cache: hit ratio, where snapshots were served from, view rebuilds and corrupt entries,
// the projection's backlog and snapshot answer times.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from './dashboard';
import { row, stat, TENANT, tenantVariable, timeseries } from './panels';

const W = '[$__rate_interval]';
const READS = `freshet_cache_reads_total{${TENANT}}`;

export function cacheDashboard(): Dashboard {
  return buildDashboard({
    uid: 'freshet-cache',
    title: 'Freshet / Cache',
    description: 'Snapshot reads: hit ratio, served-from mix, rebuilds, projection backlog.',
    variables: [tenantVariable()],
    items: [
      row('Reads'),
      stat({
        title: 'Hit ratio',
        description: 'Snapshot reads of a view that was synced or holds records, over the time range.',
        unit: 'percentunit',
        red: 0.9,
        lowIsBad: true,
        queries: [{ expr: `sum(increase(freshet_cache_reads_total{${TENANT}, result="hit"}[$__range])) / sum(increase(${READS}[$__range]))` }],
      }),
      stat({
        title: 'Served from the database',
        description: 'Share of reads answered from the database (Redis down, or a cold view being rebuilt), over the time range.',
        unit: 'percentunit',
        red: 0.1,
        queries: [{ expr: `sum(increase(freshet_cache_reads_total{${TENANT}, served_from="database"}[$__range])) / sum(increase(${READS}[$__range]))` }],
      }),
      timeseries({
        title: 'Hit ratio',
        description: 'Hits over all reads.',
        unit: 'percentunit',
        queries: [{ expr: `sum(rate(freshet_cache_reads_total{${TENANT}, result="hit"}${W})) / sum(rate(${READS}${W}))`, legend: 'hit ratio' }],
      }),
      timeseries({
        title: 'Reads by where they were served from',
        description: 'Snapshot reads per second: cache (Redis), database (through ingest), upstream.',
        unit: 'reqps',
        queries: [{ expr: `sum by (served_from) (rate(${READS}${W}))`, legend: '{{served_from}}' }],
      }),
      timeseries({
        title: 'Reads by tenant and result',
        description: 'Snapshot reads per second.',
        unit: 'reqps',
        queries: [{ expr: `sum by (tenant, result) (rate(${READS}${W}))`, legend: '{{tenant}} {{result}}' }],
      }),
      row('Views'),
      timeseries({
        title: 'View rebuilds by outcome',
        description: 'Cold views rebuilt from the database: rebuilt, lost (a clear or rival midway), failed.',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum by (outcome) (increase(freshet_cache_rebuilds_total${W}))`, legend: '{{outcome}}' }],
      }),
      timeseries({
        title: 'Corrupt entries found',
        description: 'Unreadable records found in a view (the view is rebuilt).',
        unit: 'short',
        width: 8,
        queries: [{ expr: `sum(increase(freshet_cache_corrupt_entries_total${W}))`, legend: 'corrupt' }],
      }),
      timeseries({
        title: 'Projection backlog',
        description: 'Events the projection consumer has not been delivered yet, and delivered but not acknowledged.',
        unit: 'none',
        width: 8,
        queries: [
          { expr: 'max by (consumer) (freshet_bus_consumer_pending_messages{job="cache"})', legend: '{{consumer}} waiting' },
          { expr: 'max by (consumer) (freshet_bus_consumer_ack_pending_messages{job="cache"})', legend: '{{consumer}} in flight' },
        ],
      }),
      timeseries({
        title: 'Snapshot answer time p95',
        description: "The cache's answer to the gateway's snapshot request (messaging.process.duration of rpc.cache.snapshot).",
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le) (rate(messaging_process_duration_seconds_bucket{job="cache", messaging_operation_name="respond", messaging_destination_template="rpc.cache.snapshot"}${W})))`,
            legend: 'p95',
          },
        ],
      }),
      timeseries({
        title: 'Events applied by the projection',
        description: 'Events the projection consumer handled per second.',
        unit: 'ops',
        queries: [{ expr: `sum by (messaging_consumer_group_name) (rate(messaging_client_consumed_messages_total{job="cache", messaging_operation_name="process"}${W}))`, legend: '{{messaging_consumer_group_name}}' }],
      }),
    ],
  });
}
