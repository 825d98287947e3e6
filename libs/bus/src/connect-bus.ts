// Opens the service's one NATS connection: reconnects forever with a jittered wait (a
// NATS restart must never take a service down), and logs connection status changes so
// an outage is visible. closeBus drains it on shutdown and is safe to call twice.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { BusConnectError } from './errors';

export interface ConnectBusOptions {
  servers: string | string[];
  /** Connection name shown in the server's monitoring (e.g. the service name and replica). */
  name: string;
  logger: Logger;
}

const RECONNECT_WAIT_MS = 1_000;
const RECONNECT_JITTER_MS = 1_000;

function logStatus(logger: Logger, status: Status): void {
  switch (status.type) {
    case 'disconnect':
      logger.warn({ server: status.server }, 'nats disconnected');
      return;
    case 'reconnecting':
      logger.debug('nats reconnecting');
      return;
    case 'reconnect':
      logger.info({ server: status.server }, 'nats reconnected');
      return;
    case 'error':
      logger.error({ err: status.error }, 'nats connection error');
      return;
    case 'ldm':
      logger.warn({ server: status.server }, 'nats server entering lame duck mode');
      return;
    case 'staleConnection':
      logger.warn('nats connection stale');
      return;
    case 'slowConsumer':
      logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'nats slow consumer');
      return;
    case 'forceReconnect':
      logger.info('nats forced reconnect');
      return;
    case 'close':
      logger.info('nats connection closed');
      return;
    case 'update':
    case 'ping':
      return;
    default: {
      const unknown: never = status;
      logger.debug({ status: unknown }, 'nats status');
    }
  }
}

export async function connectBus({ servers, name, logger }: ConnectBusOptions): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      reconnectJitter: RECONNECT_JITTER_MS,
    });
  } catch (error) {
    throw new BusConnectError(servers, { cause: error });
  }
  logger.info({ server: nc.getServer(), name }, 'nats connected');
  void (async () => {
    for await (const status of nc.status()) logStatus(logger, status);
  })().catch((error: unknown) => logger.error({ err: error }, 'nats status monitor failed'));
  return nc;
}

const closing = new WeakMap<NatsConnection, Promise<void>>();

/** Drains subscriptions and pending publishes, then closes. Calling it again awaits the same close. */
export function closeBus(nc: NatsConnection): Promise<void> {
  const pending = closing.get(nc);
  if (pending !== undefined) return pending;
  const done = nc.isClosed()
    ? Promise.resolve()
    : nc.isDraining()
      ? nc.closed().then(() => undefined)
      : nc.drain();
  closing.set(nc, done);
  return done;
}
