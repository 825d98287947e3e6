// Ingest's sync metrics (OpenTelemetry → Prometheus): upstream requests by source and
// status, pages, records by action, requests saved by incremental strategies, rate
// limit answers, job outcomes and a sync duration histogram.
import type { Meter } from '@opentelemetry/api';
import type { JobStats } from '@freshet/contracts';
import type { UpstreamGate } from '@freshet/connectors';

export interface SyncMetrics {
  recordJob(labels: { tenant: string; source: string; strategy: string }, outcome: 'completed' | 'failed' | 'retrying', seconds: number, stats?: JobStats): void;
  /** The last known state of an upstream's daily request budget. */
  budget(upstreamId: string, status: { spent: number; remaining: number }): void;
  /** Wraps a gate so every upstream answer (or transport failure) is counted for this source. */
  meterGate(gate: UpstreamGate, labels: { tenant: string; source: string }): UpstreamGate;
}

export function createSyncMetrics(meter: Meter): SyncMetrics {
  const requests = meter.createCounter('freshet_upstream_requests', { description: 'Requests sent to upstreams, by source and answer status' });
  const rateLimited = meter.createCounter('freshet_upstream_rate_limited', { description: 'Upstream answers asking us to slow down (429, 420)' });
  const pages = meter.createCounter('freshet_sync_pages', { description: 'Pages fetched by syncs' });
  const records = meter.createCounter('freshet_sync_records', { description: 'Records seen by syncs, by action' });
  const saved = meter.createCounter('freshet_sync_requests_saved', { description: 'Requests incremental strategies avoided' });
  const jobs = meter.createCounter('freshet_sync_jobs', { description: 'Sync job attempts by outcome' });
  const duration = meter.createHistogram('freshet_sync_duration_seconds', {
    description: 'Duration of sync job attempts',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] },
  });

  const budgets = new Map<string, { spent: number; remaining: number }>();
  const budgetSpent = meter.createObservableGauge('freshet_upstream_budget_spent', { description: 'Requests spent today of an upstream daily budget' });
  const budgetRemaining = meter.createObservableGauge('freshet_upstream_budget_remaining', { description: 'Requests left today of an upstream daily budget' });
  budgetSpent.addCallback((result) => budgets.forEach((b, upstream) => result.observe(b.spent, { upstream })));
  budgetRemaining.addCallback((result) => budgets.forEach((b, upstream) => result.observe(b.remaining, { upstream })));

  return {
    budget(upstreamId, status) {
      budgets.set(upstreamId, { spent: status.spent, remaining: status.remaining });
    },
    recordJob(labels, outcome, seconds, stats) {
      jobs.add(1, { ...labels, outcome });
      duration.record(seconds, { tenant: labels.tenant, source: labels.source, outcome });
      if (!stats) return;
      const base = { tenant: labels.tenant, source: labels.source };
      pages.add(stats.pages, base);
      for (const action of ['created', 'updated', 'deleted', 'unchanged', 'skipped'] as const) {
        if (stats[action] > 0) records.add(stats[action], { ...base, action });
      }
      if (stats.savedRequests > 0) saved.add(stats.savedRequests, { ...base, strategy: labels.strategy });
    },
    meterGate(gate, labels) {
      return {
        acquire: (upstream, signal) => gate.acquire(upstream, signal),
        async execute(upstreamId, request) {
          try {
            return await gate.execute(upstreamId, request);
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (code === 'UPSTREAM_UNAVAILABLE') requests.add(1, { ...labels, status: 'error' });
            throw error;
          }
        },
        async observe(upstreamId, response) {
          requests.add(1, { ...labels, status: String(response.status) });
          if (response.status === 429 || response.status === 420) rateLimited.add(1, { ...labels, upstream: upstreamId, status: String(response.status) });
          await gate.observe(upstreamId, response);
        },
      };
    },
  };
}
