// The streaming core's metrics (OpenTelemetry → Prometheus). Counted where it is cheap:
// the hub records the delivery lag once per event, not once per connection, so a
// thousand connections do not mean a thousand histogram records per event.
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import type { ResetReason } from './sse-frame';

export interface StreamMetrics {
  openStreams: UpDownCounter<{ tenant: string }>;
  delivered: Counter<{ tenant: string }>;
  replayed: Counter<{ tenant: string }>;
  coalesced: Counter<{ tenant: string }>;
  slowClientDrops: Counter<{ tenant: string }>;
  resets: Counter<{ reason: ResetReason }>;
  heartbeats: Counter;
  refused: Counter<{ reason: 'credential_limit' | 'ip_limit' }>;
  /** Event `time` → written to the sockets, in ms. */
  deliveryLag: Histogram<{ mode: 'live' | 'coalesced' }>;
  hubRestarts: Counter;
}

// One set of instruments per meter: the hub and the routes share it.
const byMeter = new WeakMap<Meter, StreamMetrics>();

export function streamMetrics(meter: Meter): StreamMetrics {
  const existing = byMeter.get(meter);
  if (existing) return existing;
  const created: StreamMetrics = {
    openStreams: meter.createUpDownCounter('freshet_gateway_open_streams', { description: 'Open SSE streams, by tenant' }),
    delivered: meter.createCounter('freshet_gateway_events_delivered_total', { description: 'Live events written to SSE streams (one per stream it went to)' }),
    replayed: meter.createCounter('freshet_gateway_events_replayed_total', { description: 'Events written to SSE streams while replaying after Last-Event-ID' }),
    coalesced: meter.createCounter('freshet_gateway_events_coalesced_total', { description: 'Events merged away by coalescing windows (a later update of the record was sent instead)' }),
    slowClientDrops: meter.createCounter('freshet_gateway_slow_client_drops_total', { description: 'Streams ended because the client did not read fast enough' }),
    resets: meter.createCounter('freshet_gateway_stream_resets_total', { description: 'Reset events sent (the client must reload snapshots), by reason' }),
    heartbeats: meter.createCounter('freshet_gateway_heartbeats_total', { description: 'Heartbeat comments written to SSE streams' }),
    refused: meter.createCounter('freshet_gateway_streams_refused_total', { description: 'Streams refused with 429 by the concurrent stream limits' }),
    deliveryLag: meter.createHistogram('freshet_gateway_delivery_lag_ms', {
      description: 'From an event\'s time to its write to the SSE sockets (once per event, or per coalesced batch)',
      unit: 'ms',
      advice: { explicitBucketBoundaries: [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000] },
    }),
    hubRestarts: meter.createCounter('freshet_gateway_fanout_restarts_total', { description: 'Times the fan-out hub re-created its stream consumer after a failure' }),
  };
  byMeter.set(meter, created);
  return created;
}
