// Prometheus alert rules, as data: each alert is one or more conditions `signal op
// threshold`, joined with `and`. Written this way so the rules can be proven against a real
// Prometheus (prometheus.e2e.spec.ts): the expression as deployed must parse, and its
// *probe* — the same expression with every threshold comparison made a `bool` comparison —
// must return data. The probe computes everything the alert does (the metrics exist, the
// label matchers and the `and` joins line up, rates and ratios evaluate); only the
// thresholds decide whether it fires, and a healthy system is below them.
import { stringify } from 'yaml';
import { FRESHNESS_SLO, SLO_BUCKET } from './slo';

export type Comparison = '>' | '<' | '>=' | '<=' | '==' | '!=';

export interface Condition {
  signal: string;
  op: Comparison;
  threshold: number;
}

export interface AlertRule {
  alert: string;
  conditions: Condition[];
  /** How long the conditions must hold before the alert fires. */
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
  description: string;
}

const AGE = 'freshet_gateway_data_age_seconds';

export const ALERT_RULES: readonly AlertRule[] = [
  {
    alert: 'FreshetServiceDown',
    conditions: [{ signal: 'up', op: '==', threshold: 0 }],
    for: '1m',
    severity: 'critical',
    summary: '{{ $labels.job }} ({{ $labels.instance }}) is down',
    description: 'Prometheus cannot scrape /metrics of {{ $labels.job }} at {{ $labels.instance }}: the process is not running or not answering.',
  },
  {
    alert: 'FreshetDeadJobs',
    conditions: [{ signal: 'sum(increase(freshet_scheduler_job_transitions_total{status="dead"}[15m]))', op: '>', threshold: 0 }],
    for: '0m',
    severity: 'warning',
    summary: 'Sync jobs died',
    description:
      '{{ $value | humanize }} sync jobs failed for good in the last 15 minutes. Their sources are not refreshed until someone retries them: see the admin overview (deadJobs) and POST /v1/admin/jobs/:jobId/retry.',
  },
  {
    alert: 'FreshetFreshnessSLOBreached',
    conditions: [
      {
        signal: `sum by (tenant, source) (rate(${AGE}_bucket{${SLO_BUCKET}}[10m])) / sum by (tenant, source) (rate(${AGE}_count[10m]))`,
        op: '<',
        threshold: FRESHNESS_SLO.target,
      },
    ],
    for: '10m',
    severity: 'critical',
    summary: 'Freshness SLO breached for {{ $labels.tenant }}/{{ $labels.source }}',
    description: `Only {{ $value | humanizePercentage }} of the content events of {{ $labels.tenant }}/{{ $labels.source }} reached the browser within ${FRESHNESS_SLO.seconds} s of their upstream fetch over 10 minutes (SLO: ${FRESHNESS_SLO.target * 100}%). Look at the outbox relay, the bus and the gateway fan-out backlog.`,
  },
  {
    alert: 'FreshetUpstream429Storm',
    conditions: [{ signal: 'sum by (upstream) (rate(freshet_upstream_rate_limited_total[5m]))', op: '>', threshold: 0.2 }],
    for: '5m',
    severity: 'warning',
    summary: 'Upstream {{ $labels.upstream }} keeps answering 429',
    description:
      '{{ $labels.upstream }} answered {{ $value | humanize }} 429/420 per second over 5 minutes. Syncs of its sources pause and retry; lower the connector rateLimit or the sources\' sync frequency.',
  },
  {
    alert: 'FreshetConsumerLagGrowing',
    conditions: [
      { signal: 'max by (job, stream, consumer) (deriv(freshet_bus_consumer_pending_messages[10m]))', op: '>', threshold: 0 },
      { signal: 'max by (job, stream, consumer) (freshet_bus_consumer_pending_messages)', op: '>', threshold: 100 },
    ],
    for: '10m',
    severity: 'warning',
    summary: 'Consumer {{ $labels.consumer }} of {{ $labels.stream }} is falling behind',
    description: 'The backlog of {{ $labels.consumer }} ({{ $labels.job }}) has grown for 10 minutes and holds more than 100 messages: its service is down, slow or stuck.',
  },
  {
    alert: 'FreshetOutboxRelayBehind',
    conditions: [{ signal: 'max by (store) (freshet_outbox_lag_seconds)', op: '>', threshold: 60 }],
    for: '5m',
    severity: 'warning',
    summary: 'The outbox relay of {{ $labels.store }} is behind',
    description:
      'The oldest event committed to the {{ $labels.store }} event store and not yet published to JetStream is {{ $value | humanizeDuration }} old: live updates and job events of that service are late. Its relay is stopped or failing (NATS down or refusing publishes: see its logs, "outbox relay failed"), or a long-running transaction in the same database holds it back (pg_stat_activity).',
  },
  {
    alert: 'FreshetFanoutLagGrowing',
    conditions: [
      { signal: 'deriv(freshet_gateway_fanout_pending_messages[10m])', op: '>', threshold: 0 },
      { signal: 'freshet_gateway_fanout_pending_messages', op: '>', threshold: 1000 },
    ],
    for: '10m',
    severity: 'warning',
    summary: 'Gateway {{ $labels.instance }} is falling behind the events stream',
    description: 'The fan-out hub of {{ $labels.instance }} has not dispatched {{ $value | humanize }} events and the backlog keeps growing: every stream on it lags.',
  },
  {
    alert: 'FreshetSSEDropsSpiking',
    conditions: [{ signal: 'sum by (tenant) (rate(freshet_gateway_slow_client_drops_total[5m]))', op: '>', threshold: 0.05 }],
    for: '5m',
    severity: 'warning',
    summary: 'Slow SSE clients of {{ $labels.tenant }} are being dropped',
    description:
      'Gateways drop {{ $value | humanize }} streams of {{ $labels.tenant }} per second because their clients do not read fast enough (GATEWAY_MAX_BUFFERED_BYTES). Clients reconnect and resume; look for a client bug or a congested network.',
  },
  {
    alert: 'FreshetDailyQuotaLow',
    conditions: [
      { signal: 'min by (upstream) (freshet_upstream_budget_remaining / (freshet_upstream_budget_spent + freshet_upstream_budget_remaining))', op: '<', threshold: 0.1 },
    ],
    for: '5m',
    severity: 'warning',
    summary: 'Daily request budget of {{ $labels.upstream }} almost spent',
    description: 'Less than 10% of the daily budget of {{ $labels.upstream }} is left: background syncs of its sources wait for the next UTC day, only syncs a user waits for run.',
  },
  {
    alert: 'FreshetEventLoopBlocked',
    conditions: [{ signal: 'max by (job, instance) (nodejs_eventloop_delay_p99_seconds)', op: '>', threshold: 0.5 }],
    for: '5m',
    severity: 'warning',
    summary: '{{ $labels.job }} ({{ $labels.instance }}) event loop is blocked',
    description: 'The p99 event-loop delay of {{ $labels.job }} at {{ $labels.instance }} is {{ $value | humanizeDuration }}: requests, streams and heartbeats wait behind synchronous work.',
  },
];

/** A signal inside a comparison: parenthesized when it holds set operators of its own. */
function operand(signal: string): string {
  return /\s(and|or|unless)\s/.test(signal) ? `(${signal})` : signal;
}

/** The expression Prometheus evaluates. */
export function alertExpression(rule: AlertRule): string {
  return rule.conditions.map((c) => `${operand(c.signal)} ${c.op} ${c.threshold}`).join(' and ');
}

/** The expression with every threshold comparison returning 0/1 instead of filtering: data whenever the alert's inputs exist. */
export function alertProbe(rule: AlertRule): string {
  return rule.conditions.map((c) => `${operand(c.signal)} ${c.op} bool ${c.threshold}`).join(' and ');
}

export const ALERT_RULES_FILE = 'infra/prometheus/rules/freshet-alerts.yml';

export function alertRulesYaml(rules: readonly AlertRule[] = ALERT_RULES): string {
  const document = {
    groups: [
      {
        name: 'freshet',
        rules: rules.map((rule) => ({
          alert: rule.alert,
          expr: alertExpression(rule),
          for: rule.for,
          labels: { severity: rule.severity },
          annotations: { summary: rule.summary, description: rule.description },
        })),
      },
    ],
  };
  const header = '# Generated by tools/observability (alerts.ts): edit that file and run `npm run dashboards`.\n# A unit test fails when this file differs from what the code generates.\n';
  return header + stringify(document, { lineWidth: 0 });
}
