// The streaming core's metrics (OpenTelemetry → Prometheus). Counted where it is cheap:
// the hub records the delivery lag and the data age once per event, not once per
// connection, so a thousand connections do not mean a thousand histogram records per event.
//
// Tenant labels come from credentials and are bounded (`tenantLabel`: at most
// STREAM_METRIC_TENANTS_MAX distinct tenants per process, the rest `_other`); the data age's
// tenant and source labels come from the source registry (known-sources.ts).
import type { Counter, Histogram, Meter, ObservableGauge, UpDownCounter } from '@opentelemetry/api';
import { boundedLabel, type BoundedLabel } from '@freshet/telemetry';
import { RESET_REASONS, type ResetReason } from './sse-frame';

/** Distinct tenants one gateway process labels its stream metrics with; more read `_other`. */
export const STREAM_METRIC_TENANTS_MAX = 1_000;

export const STREAM_METRICS = {
  openStreams: 'freshet_gateway_open_streams',
  delivered: 'freshet_gateway_events_delivered_total',
  replayed: 'freshet_gateway_events_replayed_total',
  coalesced: 'freshet_gateway_events_coalesced_total',
  slowClientDrops: 'freshet_gateway_slow_client_drops_total',
  resets: 'freshet_gateway_stream_resets_total',
  heartbeats: 'freshet_gateway_heartbeats_total',
  refused: 'freshet_gateway_streams_refused_total',
  deliveryLag: 'freshet_gateway_delivery_lag_seconds',
  dataAge: 'freshet_gateway_data_age_seconds',
  hubRestarts: 'freshet_gateway_fanout_restarts_total',
  fanoutPending: 'freshet_gateway_fanout_pending_messages',
} as const;

export interface StreamMetrics {
  openStreams: UpDownCounter<{ tenant: string }>;
  delivered: Counter<{ tenant: string }>;
  replayed: Counter<{ tenant: string }>;
  coalesced: Counter<{ tenant: string }>;
  slowClientDrops: Counter<{ tenant: string }>;
  resets: Counter<{ reason: ResetReason }>;
  heartbeats: Counter;
  refused: Counter<{ reason: 'credential_limit' | 'ip_limit' }>;
  /** Event `time` → written to the sockets, in seconds, for every event type. */
  deliveryLag: Histogram<{ mode: 'live' | 'coalesced' }>;
  /** The freshness SLO: a content event's upstream fetch time → written to the sockets, in seconds. */
  dataAge: Histogram<{ tenant: string; source: string }>;
  hubRestarts: Counter;
  /** Events in the stream the hub has not dispatched yet (observed by the hub). */
  fanoutPending: ObservableGauge;
  /** The label value for a tenant (bounded). */
  tenantLabel: BoundedLabel;
  /** Makes the tenant's per-tenant counters exist at 0, so rates and alerts see them before the first event. */
  noteTenant(tenant: string): void;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const DATA_AGE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

// One set of instruments per meter: the hub and the routes share it.
const byMeter = new WeakMap<Meter, StreamMetrics>();

export function streamMetrics(meter: Meter): StreamMetrics {
  const existing = byMeter.get(meter);
  if (existing) return existing;
  const tenantLabel = boundedLabel({ max: STREAM_METRIC_TENANTS_MAX });
  const noted = new Set<string>();
  const created: StreamMetrics = {
    openStreams: meter.createUpDownCounter(STREAM_METRICS.openStreams, { description: 'Open SSE streams, by tenant' }),
    delivered: meter.createCounter(STREAM_METRICS.delivered, { description: 'Live events written to SSE streams (one per stream it went to)' }),
    replayed: meter.createCounter(STREAM_METRICS.replayed, { description: 'Events written to SSE streams while replaying after Last-Event-ID' }),
    coalesced: meter.createCounter(STREAM_METRICS.coalesced, { description: 'Events merged away by coalescing windows (a later update of the record was sent instead)' }),
    slowClientDrops: meter.createCounter(STREAM_METRICS.slowClientDrops, { description: 'Streams ended because the client did not read fast enough' }),
    resets: meter.createCounter(STREAM_METRICS.resets, { description: 'Reset events sent (the client must reload snapshots), by reason' }),
    heartbeats: meter.createCounter(STREAM_METRICS.heartbeats, { description: 'Heartbeat comments written to SSE streams' }),
    refused: meter.createCounter(STREAM_METRICS.refused, { description: 'Streams refused with 429 by the concurrent stream limits' }),
    deliveryLag: meter.createHistogram(STREAM_METRICS.deliveryLag, {
      description: "From an event's time to its write to the SSE sockets, in seconds (once per event, or per coalesced batch)",
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    }),
    dataAge: meter.createHistogram(STREAM_METRICS.dataAge, {
      description: "Age of the data when written to SSE streams: from the content event's upstream fetch time to the write, in seconds (once per event)",
      unit: 's',
      advice: { explicitBucketBoundaries: DATA_AGE_BUCKETS },
    }),
    hubRestarts: meter.createCounter(STREAM_METRICS.hubRestarts, { description: 'Times the fan-out hub re-created its stream consumer after a failure' }),
    fanoutPending: meter.createObservableGauge(STREAM_METRICS.fanoutPending, {
      description: 'Events in the events stream the fan-out hub has not dispatched yet, as of its last check',
    }),
    tenantLabel,
    noteTenant(tenant) {
      const label = tenantLabel(tenant);
      if (noted.has(label)) return;
      noted.add(label);
      for (const counter of [created.slowClientDrops, created.replayed, created.delivered, created.coalesced]) counter.add(0, { tenant: label });
    },
  };
  for (const reason of RESET_REASONS) created.resets.add(0, { reason });
  for (const reason of ['credential_limit', 'ip_limit'] as const) created.refused.add(0, { reason });
  created.hubRestarts.add(0);
  byMeter.set(meter, created);
  return created;
}
