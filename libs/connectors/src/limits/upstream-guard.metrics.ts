// The guard's OpenTelemetry instruments, made when a guard is created rather than at
// import: the metrics API has no proxy provider, so an instrument made before the service
// registers its MeterProvider would stay a no-op forever.
import { metrics, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import {
  CIRCUIT_OPEN_METRIC,
  CONNECTORS_METER_NAME,
  PAUSES_METRIC,
  THROTTLE_WAITS_METRIC,
  THROTTLE_WAIT_SECONDS_METRIC,
  type WaitReason,
} from './limits.constants';

export interface GuardInstruments {
  /** Acquisitions that had to wait, once per thing they waited for (bucket, credential, page gap, pause). */
  throttleWaits: Counter<{ upstream: string; reason: WaitReason }>;
  /** Total time each `acquire` took (0 when it did not wait). */
  waitSeconds: Histogram<{ upstream: string }>;
  /** Pauses set or lengthened (not the calls that found a longer pause in force). */
  pauses: Counter<{ upstream: string; reason: string }>;
  /** Times an upstream's circuit opened in this process. */
  circuitOpens: Counter<{ upstream: string }>;
}

export function createGuardInstruments(meter: Meter = metrics.getMeter(CONNECTORS_METER_NAME)): GuardInstruments {
  return {
    throttleWaits: meter.createCounter(THROTTLE_WAITS_METRIC, {
      description: 'Times a call to a rate-limited upstream had to wait (for its token bucket, page delay or a shared pause)',
    }),
    waitSeconds: meter.createHistogram(THROTTLE_WAIT_SECONDS_METRIC, {
      description: 'Time spent waiting for permission to call an upstream, in seconds',
      unit: 's',
      advice: { explicitBucketBoundaries: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] },
    }),
    pauses: meter.createCounter(PAUSES_METRIC, {
      description: 'Pauses of an upstream recorded for every replica (429 Retry-After, ESI error limit)',
    }),
    circuitOpens: meter.createCounter(CIRCUIT_OPEN_METRIC, {
      description: "Times an upstream's circuit breaker opened in this process",
    }),
  };
}
