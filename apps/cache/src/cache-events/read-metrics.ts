// Cache read counts: a Prometheus (OpenTelemetry) counter `freshet_cache_reads_total`
// {tenant, result: hit|miss, served_from}, and per tenant `metrics.updated` events for the admin
// dashboard. Counts are accumulated in memory per tenant: the first read of a tenant opens
// a window and an unref'd timer that publishes it `intervalMs` (1 s) later — at most one
// event per tenant per interval, and no timer while a tenant has nothing to report. A hit is a read of a view that was synced or
// holds records; a miss is a read of an empty, never-synced view.
//
// The events are per replica (each replica publishes its own reads' counts) and
// best-effort: a failed publish is logged and its counts are dropped (Prometheus keeps the
// totals).
//
// The tenant label is bounded (READ_METRIC_TENANTS_MAX per process, the rest `_other`):
// tenants come from the gateway's authenticated callers, still input to a metric.
import { randomUUID } from 'node:crypto';
import type { Meter } from '@opentelemetry/api';
import type { JetStreamClient } from '@nats-io/jetstream';
import { publishEvent } from '@freshet/bus';
import { TENANT_SCOPE_SOURCE, type MetricsUpdatedData, type ServedFrom } from '@freshet/contracts';
import { boundedLabel, type Logger } from '@freshet/telemetry';

export const CACHE_READS_METRIC = 'freshet_cache_reads';
export const READ_METRIC_TENANTS_MAX = 1_000;
const SERVED_FROM: readonly ServedFrom[] = ['cache', 'database', 'upstream'];

export interface ReadMetrics {
  record(tenant: string, read: { hit: boolean; servedFrom: ServedFrom }): void;
  /** Stops the timer and publishes what is pending. */
  stop(): Promise<void>;
}

interface Window {
  from: number;
  hits: number;
  misses: number;
  servedFrom: MetricsUpdatedData['servedFrom'];
  timer: NodeJS.Timeout;
}

export function createReadMetrics(options: { meter: Meter; js: JetStreamClient; prefix: string; logger: Logger; intervalMs: number; now?: () => number }): ReadMetrics {
  const { meter, js, prefix, logger, intervalMs, now = Date.now } = options;
  const reads = meter.createCounter(CACHE_READS_METRIC, { description: 'Snapshot reads, by tenant, hit/miss and where they were served from' });
  const tenantLabel = boundedLabel({ max: READ_METRIC_TENANTS_MAX });
  const counted = new Set<string>();
  /** The open window of each tenant that has reads to report; its timer closes it. */
  const windows = new Map<string, Window>();
  const inFlight = new Set<Promise<void>>();

  const flush = (tenant: string): void => {
    const w = windows.get(tenant);
    if (!w) return;
    clearTimeout(w.timer);
    windows.delete(tenant);
    const to = new Date(now()).toISOString();
    const p = publishEvent(js, prefix, {
      id: randomUUID(),
      type: 'metrics.updated',
      tenant,
      source: TENANT_SCOPE_SOURCE,
      time: to,
      data: { window: { from: new Date(w.from).toISOString(), to }, hits: w.hits, misses: w.misses, servedFrom: w.servedFrom },
    })
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error, tenant }, 'could not publish metrics.updated'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  return {
    record(tenant, read) {
      const label = tenantLabel(tenant);
      if (!counted.has(label)) {
        // Every combination from 0, so a ratio over it exists from the tenant's first read.
        counted.add(label);
        for (const result of ['hit', 'miss']) for (const servedFrom of SERVED_FROM) reads.add(0, { tenant: label, result, served_from: servedFrom });
      }
      reads.add(1, { tenant: label, result: read.hit ? 'hit' : 'miss', served_from: read.servedFrom });
      let w = windows.get(tenant);
      if (!w) {
        // The first read after a flush opens the tenant's next window: one event per interval at most.
        const timer = setTimeout(() => flush(tenant), intervalMs);
        timer.unref();
        w = { from: now(), hits: 0, misses: 0, servedFrom: { cache: 0, database: 0, upstream: 0 }, timer };
        windows.set(tenant, w);
      }
      if (read.hit) w.hits += 1;
      else w.misses += 1;
      w.servedFrom[read.servedFrom] += 1;
    },
    async stop() {
      for (const tenant of [...windows.keys()]) flush(tenant);
      await Promise.all(inFlight);
    },
  };
}
