// The outbox relay's lifecycle: a loop that drains the log to the bus whenever an append
// NOTIFYs (re-checking briefly if the event is not yet safe to read) and at least every
// poll interval (notifications are lost while disconnected), backs off while publishing
// fails, and stops only between batches so a checkpoint never lags a batch it published.
import type { Kysely } from 'kysely';
import { asEventStoreDb, type EventStoreDatabase } from '../db/event-store-database';
import { InvalidRelayOptionsError } from '../errors';
import { getStoreEpoch } from '../store-epoch';
import type { StoredEvent } from '../stored-event';
import { createNotificationListener, type NotificationListener } from './notification-listener';
import { runRelayBatch } from './relay-batch';
import { silentLogger, type RelayLogger } from './relay-logger';
import { retryDelay } from './retry-delay';
import { nextSettleDelay } from './settle-delay';

export interface OutboxRelayOptions<DB extends EventStoreDatabase> {
  db: Kysely<DB>;
  /** Checkpoint key: instances with the same name continue each other's progress. */
  name: string;
  /** Must await the bus's ack and use the event id as Nats-Msg-Id; a throw means "retry later". */
  publish: (event: StoredEvent) => Promise<void>;
  logger?: RelayLogger;
  batchSize?: number;
  pollIntervalMs?: number;
  maxRetryDelayMs?: number;
  /** Wake on NOTIFY: a dedicated connection, LISTENing on eventsChannel(schema). */
  listen?: { connectionString: string; channel: string };
  hooks?: { afterPublish?: (event: StoredEvent) => void | Promise<void> };
}

export interface OutboxRelay {
  start(): void;
  /** Finishes the in-flight batch, then closes the listener. */
  stop(): Promise<void>;
  /** Publishes until caught up; resolves to the number published, rejects on a failed publish. */
  runOnce(): Promise<number>;
}

export function createOutboxRelay<DB extends EventStoreDatabase>(options: OutboxRelayOptions<DB>): OutboxRelay {
  const db = asEventStoreDb(options.db);
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvalidRelayOptionsError('batchSize must be an integer >= 1');
  if (!(pollIntervalMs >= 0 && maxRetryDelayMs >= 0)) throw new InvalidRelayOptionsError('intervals must be >= 0 ms');
  let epoch: string | undefined;
  let stopRequested = false;
  let queue: Promise<unknown> = Promise.resolve();

  const drain = async (): Promise<number> => {
    epoch ??= await getStoreEpoch(db);
    let total = 0;
    for (;;) {
      const { published, full } = await runRelayBatch({
        db,
        name: options.name,
        epoch,
        batchSize,
        publish: options.publish,
        logger,
        afterPublish: options.hooks?.afterPublish,
      });
      total += published;
      if (!full || stopRequested) return total;
    }
  };

  // Serialized: a manual runOnce and the loop never publish concurrently in one process.
  const runOnce = (): Promise<number> => {
    const run = queue.then(drain);
    queue = run.catch(() => undefined);
    return run;
  };

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let wakeRequested = false;
  let notified = false;
  let settleMs = 0;
  let failures = 0;
  let listener: NotificationListener | undefined;

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
  };

  const tick = async () => {
    if (!running || inFlight !== undefined) return;
    const woken = notified || settleMs > 0;
    wakeRequested = false;
    notified = false;
    inFlight = runOnce().then(
      (published) => {
        settleMs = published === 0 && woken ? nextSettleDelay(settleMs, pollIntervalMs) : 0;
        if (failures > 0) logger.info({ relay: options.name, published }, 'outbox relay recovered');
        else if (published > 0) logger.debug({ relay: options.name, published }, 'outbox relay published');
        failures = 0;
      },
      (error: unknown) => {
        failures += 1;
        settleMs = 0;
        const retryInMs = retryDelay(failures, pollIntervalMs, maxRetryDelayMs);
        logger.error({ err: error, relay: options.name, failures, retryInMs }, 'outbox relay failed; will retry');
      },
    );
    await inFlight;
    inFlight = undefined;
    if (!running) return;
    if (failures > 0) schedule(retryDelay(failures, pollIntervalMs, maxRetryDelayMs));
    else if (wakeRequested) schedule(0);
    else schedule(settleMs > 0 ? settleMs : pollIntervalMs);
  };

  // While backing off, a notification does not cut the wait short: the bus is the problem.
  const wake = () => {
    if (!running) return;
    notified = true;
    if (inFlight !== undefined) wakeRequested = true;
    else if (failures === 0) schedule(0);
  };

  return {
    start() {
      if (running) return;
      running = true;
      stopRequested = false;
      if (options.listen !== undefined) {
        listener = createNotificationListener({ ...options.listen, onNotification: wake, logger });
        listener.start();
      }
      schedule(0);
    },
    async stop() {
      running = false;
      stopRequested = true;
      clearTimeout(timer);
      await inFlight;
      await listener?.close();
      listener = undefined;
    },
    runOnce,
  };
}
