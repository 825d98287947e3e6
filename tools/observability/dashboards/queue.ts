// Queue: the job ledger (queued by priority, jobs by status, dead jobs, the oldest waiting),
// wait and run times, the outbox relays' backlog and lag, and every bus consumer's backlog.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboard } from './dashboard';
import { row, stat, timeseries } from './panels';

const W = '[$__rate_interval]';

export function queueDashboard(): Dashboard {
  return buildDashboard({
    uid: 'freshet-queue',
    title: 'Freshet / Queue',
    description: 'Sync jobs by priority and status, dead jobs, wait and run times, outbox relay lag, consumer backlogs.',
    variables: [],
    items: [
      row('Ledger'),
      stat({ title: 'Dead jobs', description: 'Jobs that failed for good and wait for a retry by hand.', unit: 'none', red: 1, queries: [{ expr: 'max(freshet_scheduler_jobs{status="dead"})' }] }),
      stat({
        title: 'Oldest queued job',
        description: 'How long the oldest queued job has waited (0 when none waits).',
        unit: 's',
        red: 300,
        queries: [{ expr: 'max(freshet_scheduler_oldest_queued_job_age_seconds)' }],
      }),
      stat({ title: 'Queued jobs', description: 'Jobs waiting for a worker, every priority.', unit: 'none', queries: [{ expr: 'sum(max by (priority) (freshet_scheduler_queue_depth))' }] }),
      stat({
        title: 'Watched sources',
        description: 'Sources with an open stream (the demand signal), kept within watchedMinAgeMs.',
        unit: 'none',
        queries: [{ expr: 'max(freshet_scheduler_watched_sources)' }],
      }),
      timeseries({
        title: 'Queued jobs by priority',
        description: 'Jobs waiting, by priority tier (10 user waiting, 5 normal, 3 background, 0 bulk).',
        unit: 'none',
        queries: [{ expr: 'max by (priority) (freshet_scheduler_queue_depth)', legend: 'p{{priority}}' }],
      }),
      timeseries({
        title: 'Jobs by status',
        description: 'The ledger by status (finished jobs stay until the retention cleanup).',
        unit: 'none',
        queries: [{ expr: 'max by (status) (freshet_scheduler_jobs)', legend: '{{status}}' }],
      }),
      row('Jobs'),
      timeseries({
        title: 'Job transitions by status',
        description: 'Ledger transitions per second, by the status a job moved to.',
        unit: 'ops',
        width: 8,
        queries: [{ expr: `sum by (status) (rate(freshet_scheduler_job_transitions_total${W}))`, legend: '{{status}}' }],
      }),
      timeseries({
        title: 'Wait time p95 by priority',
        description: 'Queued → started, by priority.',
        unit: 's',
        width: 8,
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, priority) (rate(freshet_scheduler_job_wait_seconds_bucket${W})))`, legend: 'p{{priority}}' }],
      }),
      timeseries({
        title: 'Run time p95 by outcome',
        description: 'Duration of sync attempts in the workers.',
        unit: 's',
        width: 8,
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, outcome) (rate(freshet_sync_duration_seconds_bucket${W})))`, legend: '{{outcome}}' }],
      }),
      timeseries({
        title: 'Revalidate requests',
        description: 'Refreshes and background syncs asked of the scheduler per second: joined an active job, or queued a new one.',
        unit: 'reqps',
        queries: [{ expr: `sum by (joined) (rate(freshet_scheduler_revalidate_requests_total${W}))`, legend: 'joined={{joined}}' }],
      }),
      timeseries({
        title: 'Commands waiting per tier',
        description: "The work queue's backlog: sync commands not delivered yet, and delivered but not acknowledged (running), per tier consumer.",
        unit: 'none',
        queries: [
          { expr: 'max by (consumer) (freshet_bus_consumer_pending_messages{job="ingest"})', legend: '{{consumer}} waiting' },
          { expr: 'max by (consumer) (freshet_bus_consumer_ack_pending_messages{job="ingest"})', legend: '{{consumer}} running' },
        ],
      }),
      row('Outbox relays'),
      timeseries({
        title: 'Events not on the bus yet',
        description:
          "Events committed to a service's event store that its outbox relay has not published to JetStream yet (counted up to 100,000). Near 0 when healthy; growing while the relay or NATS is down, or while an old open transaction holds the relay back.",
        unit: 'none',
        queries: [{ expr: 'max by (store) (freshet_outbox_pending_events)', legend: '{{store}}' }],
      }),
      timeseries({
        title: 'Outbox lag',
        description: 'Age of the oldest committed event its outbox relay has not published yet (0 when none): how late live updates and job events reach the bus.',
        unit: 's',
        queries: [{ expr: 'max by (store) (freshet_outbox_lag_seconds)', legend: '{{store}}' }],
      }),
      row('Consumers'),
      timeseries({
        title: 'Consumer backlog',
        description: 'Messages each durable consumer has not been delivered yet, and the gateway fan-out backlog.',
        unit: 'none',
        queries: [
          { expr: 'max by (job, consumer) (freshet_bus_consumer_pending_messages)', legend: '{{job}} {{consumer}}' },
          { expr: 'max by (job, instance) (freshet_gateway_fanout_pending_messages)', legend: 'gateway fan-out {{instance}}' },
        ],
      }),
      timeseries({
        title: 'Processing time p95 by consumer',
        description: 'Time to handle one delivered message (messaging.process.duration).',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, messaging_consumer_group_name) (rate(messaging_process_duration_seconds_bucket{messaging_operation_name="process"}${W})))`,
            legend: '{{messaging_consumer_group_name}}',
          },
        ],
      }),
    ],
  });
}
