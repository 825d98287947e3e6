// Ingest's sync metrics (OpenTelemetry → Prometheus): upstream requests by source and
// status and their duration (`http_client_request_duration_seconds`, the HTTP semantic
// convention), pages, records by action, requests saved by incremental strategies, rate
// limit answers, job outcomes, a sync duration histogram and the daily request budgets.
//
// Tenant, source and upstream labels come from source definitions (the registry), never
// from a request; they are bounded all the same (at most SOURCE_SERIES_MAX source pairs and
// UPSTREAM_SERIES_MAX upstreams per process, the rest `_other`).
import type { Meter } from '@opentelemetry/api';
import type { JobStats } from '@freshet/contracts';
import type { UpstreamGate } from '@freshet/connectors';
import { boundedLabel, boundedSourceLabels } from '@freshet/telemetry';

export const SOURCE_SERIES_MAX = 2_000;
export const UPSTREAM_SERIES_MAX = 500;

export const SYNC_METRICS = {
  upstreamRequests: 'freshet_upstream_requests',
  upstreamRequestDuration: 'http_client_request_duration_seconds',
  rateLimited: 'freshet_upstream_rate_limited',
  pages: 'freshet_sync_pages',
  records: 'freshet_sync_records',
  saved: 'freshet_sync_requests_saved',
  jobs: 'freshet_sync_jobs',
  duration: 'freshet_sync_duration_seconds',
  budgetSpent: 'freshet_upstream_budget_spent',
  budgetRemaining: 'freshet_upstream_budget_remaining',
} as const;

export interface SyncMetrics {
  recordJob(labels: { tenant: string; source: string; strategy: string }, outcome: 'completed' | 'failed' | 'retrying', seconds: number, stats?: JobStats): void;
  /** The last known state of an upstream's daily request budget. */
  budget(upstreamId: string, status: { spent: number; remaining: number }): void;
  /** Wraps a gate so every upstream answer (or transport failure) is counted for this source. */
  meterGate(gate: UpstreamGate, labels: { tenant: string; source: string }): UpstreamGate;
}

export function createSyncMetrics(meter: Meter): SyncMetrics {
  const sourceLabels = boundedSourceLabels({ max: SOURCE_SERIES_MAX });
  const upstreamLabel = boundedLabel({ max: UPSTREAM_SERIES_MAX });
  const requests = meter.createCounter(SYNC_METRICS.upstreamRequests, { description: 'Requests sent to upstreams, by source and answer status' });
  const requestDuration = meter.createHistogram(SYNC_METRICS.upstreamRequestDuration, {
    description: 'Duration of upstream HTTP requests until the answer headers arrived, in seconds',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] },
  });
  const rateLimited = meter.createCounter(SYNC_METRICS.rateLimited, { description: 'Upstream answers asking us to slow down (429, 420)' });
  const pages = meter.createCounter(SYNC_METRICS.pages, { description: 'Pages fetched by syncs' });
  const records = meter.createCounter(SYNC_METRICS.records, { description: 'Records seen by syncs, by action' });
  const saved = meter.createCounter(SYNC_METRICS.saved, { description: 'Requests incremental strategies avoided' });
  const jobs = meter.createCounter(SYNC_METRICS.jobs, { description: 'Sync job attempts by outcome' });
  const duration = meter.createHistogram(SYNC_METRICS.duration, {
    description: 'Duration of sync job attempts',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] },
  });

  const budgets = new Map<string, { spent: number; remaining: number }>();
  const budgetSpent = meter.createObservableGauge(SYNC_METRICS.budgetSpent, { description: 'Requests spent today of an upstream daily budget' });
  const budgetRemaining = meter.createObservableGauge(SYNC_METRICS.budgetRemaining, { description: 'Requests left today of an upstream daily budget' });
  budgetSpent.addCallback((result) => budgets.forEach((b, upstream) => result.observe(b.spent, { upstream })));
  budgetRemaining.addCallback((result) => budgets.forEach((b, upstream) => result.observe(b.remaining, { upstream })));

  return {
    budget(upstreamId, status) {
      budgets.set(upstreamLabel(upstreamId), { spent: status.spent, remaining: status.remaining });
    },
    recordJob(labels, outcome, seconds, stats) {
      const base = sourceLabels(labels.tenant, labels.source);
      jobs.add(1, { ...base, strategy: labels.strategy, outcome });
      duration.record(seconds, { ...base, outcome });
      if (!stats) return;
      pages.add(stats.pages, base);
      for (const action of ['created', 'updated', 'deleted', 'unchanged', 'skipped'] as const) {
        if (stats[action] > 0) records.add(stats[action], { ...base, action });
      }
      if (stats.savedRequests > 0) saved.add(stats.savedRequests, { ...base, strategy: labels.strategy });
    },
    meterGate(gate, labels) {
      const base = sourceLabels(labels.tenant, labels.source);
      // One job's requests go one after another: the one running started at `startedAt`,
      // and is answered when `observe` sees its headers (undefined once answered).
      let startedAt: number | undefined;
      const method = { 'http.request.method': 'GET' };
      return {
        acquire: (upstream, signal) => gate.acquire(upstream, signal),
        async execute(upstreamId, request) {
          startedAt = performance.now();
          try {
            return await gate.execute(upstreamId, request);
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (code === 'UPSTREAM_UNAVAILABLE') {
              requests.add(1, { ...base, status: 'error' });
              if (startedAt !== undefined) requestDuration.record((performance.now() - startedAt) / 1000, { upstream: upstreamLabel(upstreamId), ...method, 'error.type': 'unavailable' });
            }
            throw error;
          } finally {
            startedAt = undefined;
          }
        },
        async observe(upstreamId, response) {
          const upstream = upstreamLabel(upstreamId);
          requests.add(1, { ...base, status: String(response.status) });
          if (startedAt !== undefined) {
            requestDuration.record((performance.now() - startedAt) / 1000, { upstream, ...method, 'http.response.status_code': response.status });
            startedAt = undefined;
          }
          if (response.status === 429 || response.status === 420) rateLimited.add(1, { ...base, upstream, status: String(response.status) });
          await gate.observe(upstreamId, response);
        },
      };
    },
  };
}
