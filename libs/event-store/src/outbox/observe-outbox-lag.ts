// The outbox relay's lag as gauges, read from the database when /metrics is scraped
// (read-outbox-lag.ts): `freshet_outbox_pending_events` (committed, not published yet) and
// `freshet_outbox_lag_seconds` (age of the oldest of them; 0 when none), labelled only with
// `store`, a name the service gives in code (never input). Registered at start and observed
// from the first scrape, 0 included, so dashboards and alerts have a series before anything
// goes wrong. Every replica of a service reads the same checkpoint: aggregate with max.
//
// It reads the database, not the relay: it works while the relay is stopped or stuck, which
// is when it matters. A scrape waits at most `timeoutMs` for it; a database that does not
// answer leaves the gauges out of that scrape (a gap, not a false 0). Scrapes never stack
// queries: one still running is shared.
import { metrics, type BatchObservableCallback, type Meter } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { EventStoreDatabase } from '../db/event-store-database';
import { PENDING_COUNT_LIMIT, readOutboxLag, type OutboxLag } from './read-outbox-lag';

export const OUTBOX_PENDING_METRIC = 'freshet_outbox_pending_events';
export const OUTBOX_LAG_METRIC = 'freshet_outbox_lag_seconds';
export const OUTBOX_METER_NAME = 'freshet-event-store';

export interface OutboxLagOptions<DB extends EventStoreDatabase> {
  db: Kysely<DB>;
  /** The relay's name (its checkpoint key), as given to createOutboxRelay. */
  relay: string;
  /** The `store` label: a fixed name for this event store, e.g. the service's. */
  store: string;
  /** Default: the global provider's event-store meter. */
  meter?: Meter;
  /** How long one scrape waits for the database (default 2 s). */
  timeoutMs?: number;
}

export interface OutboxLagObserver {
  stop(): void;
}

export function observeOutboxLag<DB extends EventStoreDatabase>(options: OutboxLagOptions<DB>): OutboxLagObserver {
  const meter = options.meter ?? metrics.getMeter(OUTBOX_METER_NAME);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const labels = { store: options.store };
  const pending = meter.createObservableGauge(OUTBOX_PENDING_METRIC, {
    description: `Events committed to the store and not yet published to the bus by its outbox relay (counted up to ${PENDING_COUNT_LIMIT})`,
  });
  const lag = meter.createObservableGauge(OUTBOX_LAG_METRIC, {
    description: 'Age of the oldest event committed to the store and not yet published by its outbox relay, in seconds (0 when none)',
    unit: 's',
  });
  let inFlight: Promise<OutboxLag> | undefined;
  let stopped = false;

  const read = (): Promise<OutboxLag> => {
    inFlight ??= readOutboxLag(options.db, options.relay).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const callback: BatchObservableCallback = async (result) => {
    if (stopped) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const value = await Promise.race([read().catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
    if (value === undefined) return;
    result.observe(pending, value.pending, labels);
    result.observe(lag, value.lagSeconds, labels);
  };
  meter.addBatchObservableCallback(callback, [pending, lag]);
  return {
    stop() {
      stopped = true;
      meter.removeBatchObservableCallback(callback, [pending, lag]);
    },
  };
}
