// Wires the scheduler skeleton: a Postgres pool (its job ledger lives there later), the
// bus, and the HTTP server, with an orderly stop.
import pg from 'pg';
import { closeBus, connectBus } from '@freshet/bus';
import { createServiceMetrics, type Logger } from '@freshet/telemetry';
import { buildSchedulerApp } from './app';
import type { SchedulerConfig } from './config';

export async function startScheduler(config: Readonly<SchedulerConfig>, logger: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const metrics = createServiceMetrics('sync-scheduler');
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX, connectionTimeoutMillis: 10_000 });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle postgres client failed'));
  const nc = await connectBus({ servers: config.NATS_URL, name: 'sync-scheduler', logger });
  const app = await buildSchedulerApp({
    logger,
    metrics,
    readiness: { postgres: () => pool.query('select 1'), nats: () => nc.flush() },
  });
  const url = await app.listen({ host: config.HOST, port: config.PORT });
  logger.info({ url }, 'sync-scheduler listening');
  return {
    url,
    async stop() {
      await app.close();
      await closeBus(nc);
      await pool.end();
      await metrics.shutdown();
    },
  };
}
