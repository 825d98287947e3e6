// Holds one dedicated pg connection LISTENing on the store's channel, so the relay wakes
// the moment an append commits instead of waiting for its next poll. It reconnects on
// its own and signals once after every (re)connect, since notifications sent while it
// was down are lost; the relay's poll stays the safety net either way.
import pg from 'pg';
import type { RelayLogger } from './relay-logger';

export interface NotificationListenerOptions {
  connectionString: string;
  channel: string;
  onNotification: () => void;
  logger: RelayLogger;
  reconnectDelayMs?: number;
}

export interface NotificationListener {
  start(): void;
  close(): Promise<void>;
}

export function createNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const { channel, logger, onNotification } = options;
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== undefined) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connecting = connect();
    }, options.reconnectDelayMs ?? 1_000);
  };

  const connect = async () => {
    const candidate = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 10_000 });
    candidate.on('notification', (message) => {
      if (message.channel === channel) onNotification();
    });
    candidate.on('error', (error) => logger.warn({ err: error, channel }, 'outbox listener connection failed'));
    candidate.on('end', () => {
      if (client !== candidate) return;
      client = undefined;
      scheduleReconnect();
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${candidate.escapeIdentifier(channel)}`);
      if (closed) {
        await candidate.end();
        return;
      }
      client = candidate;
      onNotification();
    } catch (error) {
      logger.warn({ err: error, channel }, 'outbox listener could not connect; retrying');
      await candidate.end().catch(() => undefined);
      scheduleReconnect();
    }
  };

  return {
    start() {
      if (!closed && connecting === undefined) connecting = connect();
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      await connecting;
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
