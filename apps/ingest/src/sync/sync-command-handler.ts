// Handles one sync command from the work queue: records job.started, runs the sync,
// and on failure records job.failed and decides between a delayed redelivery and a
// final termination. The command was already validated by the bus consumer.
import type { Kysely } from 'kysely';
import { appendToStream } from '@freshet/event-store';
import type { SyncCommand } from '@freshet/contracts';
import type { DurableMessageContext, HandlerResult } from '@freshet/bus';
import { openGate, strategyOf, type SecretSources, type UpstreamGate } from '@freshet/connectors';
import type { Logger } from '@freshet/telemetry';
import type { IngestDatabase } from '../db/ingest-tables';
import type { SyncMetrics } from '../metrics/sync-metrics';
import { findSource } from '../sources/source-repository';
import { decideRetry, type RetryPolicy } from './retry-policy';
import { runSync } from './run-sync';
import { SourceBusyError } from './source-lock';
import { jobStreamId } from './stream-ids';
import { decideJobFailed, decideJobStarted, type JobRef } from './sync-outcome.decider';

/** Another replica is syncing the source: look again shortly, it is not a failure. */
const SOURCE_BUSY_RETRY_MS = 5_000;

export interface SyncHandlerDeps {
  db: Kysely<IngestDatabase>;
  logger: Logger;
  retry: RetryPolicy;
  now?: () => Date;
  gate?: UpstreamGate;
  secrets?: SecretSources;
  metrics?: SyncMetrics;
}

export function createSyncCommandHandler(deps: SyncHandlerDeps) {
  const now = deps.now ?? (() => new Date());

  return async function handleSyncCommand(command: SyncCommand, ctx: DurableMessageContext): Promise<HandlerResult> {
    const attempt = ctx.deliveryCount;
    const job = { tenant: command.tenant, source: command.source, jobId: command.jobId, attempt };
    const at = (): JobRef => ({ ...job, time: now().toISOString() });
    const log = deps.logger.child({ jobId: command.jobId, tenant: command.tenant, source: command.source, attempt });
    const appendJobEvent = (event: Parameters<typeof appendToStream>[2][number]) =>
      appendToStream(deps.db, jobStreamId(command.jobId), [event], { expectedVersion: 'any' });

    const stored = await findSource(deps.db, command.tenant, command.source);
    if (!stored) {
      const error = { code: 'UNKNOWN_SOURCE', message: `source ${command.tenant}/${command.source} is not configured`, retryable: false };
      await appendJobEvent(decideJobFailed(at(), error, false));
      log.warn({ error }, 'sync command for an unknown source');
      return { term: error.message };
    }

    const labels = { tenant: command.tenant, source: command.source, strategy: strategyOf(stored.definition.connector) };
    const gate = deps.metrics ? deps.metrics.meterGate(deps.gate ?? openGate, labels) : deps.gate;
    await appendJobEvent(decideJobStarted(at(), command.priority));
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    // Long syncs tell the server they are alive so the message is not redelivered mid-job.
    const keepAlive = setInterval(() => ctx.working(), 5_000);
    try {
      const result = await runSync(deps.db, stored.definition, job, {
        now,
        gate,
        secrets: deps.secrets,
        forceFull: command.mode === 'full',
        onPage: () => ctx.working(),
      });
      log.info({ ...result.stats, notes: result.notes }, 'sync completed');
      deps.metrics?.recordJob(labels, 'completed', seconds(), result.stats);
      return { ack: true };
    } catch (error) {
      if (error instanceof SourceBusyError) {
        log.info('source busy, trying again shortly');
        return { nak: SOURCE_BUSY_RETRY_MS };
      }
      const decision = decideRetry(error, attempt, deps.retry);
      await appendJobEvent(decideJobFailed(at(), decision.error, decision.willRetry));
      log.warn({ err: error, willRetry: decision.willRetry, delayMs: decision.delayMs }, 'sync failed');
      deps.metrics?.recordJob(labels, decision.willRetry ? 'retrying' : 'failed', seconds());
      return decision.willRetry ? { nak: decision.delayMs } : { term: `${decision.error.code}: ${decision.error.message}` };
    } finally {
      clearInterval(keepAlive);
    }
  };
}
