// Handles one sync command from the work queue: records job.started, runs the sync,
// and on failure records job.failed and decides between a delayed redelivery and a
// final termination. The command was already validated by the bus consumer.
import type { Kysely } from 'kysely';
import { appendToStream } from '@freshet/event-store';
import type { SyncCommand } from '@freshet/contracts';
import type { HandlerResult, DurableMessageContext } from '@freshet/bus';
import type { Logger } from '@freshet/telemetry';
import type { SecretSources, UpstreamGate } from '@freshet/connectors';
import type { IngestDatabase } from '../db/ingest-tables';

const SOURCE_BUSY_RETRY_MS = 5_000;
import { findSource } from '../sources/source-repository';
import { decideRetry, type RetryPolicy } from './retry-policy';
import { runSync } from './run-sync';
import { SourceBusyError } from './source-lock';
import { jobStreamId } from './stream-ids';
import { decideJobFailed, decideJobStarted, type JobRef } from './sync-outcome.decider';

export interface SyncHandlerDeps {
  db: Kysely<IngestDatabase>;
  logger: Logger;
  retry: RetryPolicy;
  now?: () => Date;
  gate?: UpstreamGate;
  secrets?: SecretSources;
  onJobFinished?: (outcome: 'completed' | 'failed' | 'retrying', command: SyncCommand) => void;
}

export function createSyncCommandHandler(deps: SyncHandlerDeps) {
  const now = deps.now ?? (() => new Date());

  return async function handleSyncCommand(command: SyncCommand, ctx: DurableMessageContext): Promise<HandlerResult> {
    const attempt = ctx.deliveryCount;
    const job = { tenant: command.tenant, source: command.source, jobId: command.jobId, attempt };
    const at = (): JobRef => ({ ...job, time: now().toISOString() });
    const log = deps.logger.child({ jobId: command.jobId, tenant: command.tenant, source: command.source, attempt });

    const stored = await findSource(deps.db, command.tenant, command.source);
    if (!stored) {
      const error = { code: 'UNKNOWN_SOURCE', message: `source ${command.tenant}/${command.source} is not configured`, retryable: false };
      await appendToStream(deps.db, jobStreamId(command.jobId), [decideJobFailed(at(), error, false)], { expectedVersion: 'any' });
      log.warn({ error }, 'sync command for an unknown source');
      deps.onJobFinished?.('failed', command);
      return { term: error.message };
    }

    await appendToStream(deps.db, jobStreamId(command.jobId), [decideJobStarted(at(), command.priority)], { expectedVersion: 'any' });
    // Long syncs tell the server they are alive so the message is not redelivered mid-job.
    const keepAlive = setInterval(() => ctx.working(), 5_000);
    try {
      const result = await runSync(deps.db, stored.definition, job, {
        now,
        gate: deps.gate,
        secrets: deps.secrets,
        forceFull: command.mode === 'full',
        onPage: () => ctx.working(),
      });
      log.info({ ...result.stats, notes: result.notes }, 'sync completed');
      deps.onJobFinished?.('completed', command);
      return { ack: true };
    } catch (error) {
      if (error instanceof SourceBusyError) {
        // Not a failure: another replica is syncing this source right now.
        log.info('source busy, trying again shortly');
        return { nak: SOURCE_BUSY_RETRY_MS };
      }
      const decision = decideRetry(error, attempt, deps.retry);
      await appendToStream(deps.db, jobStreamId(command.jobId), [decideJobFailed(at(), decision.error, decision.willRetry)], {
        expectedVersion: 'any',
      });
      log.warn({ err: error, willRetry: decision.willRetry, delayMs: decision.delayMs }, 'sync failed');
      deps.onJobFinished?.(decision.willRetry ? 'retrying' : 'failed', command);
      return decision.willRetry ? { nak: decision.delayMs } : { term: `${decision.error.code}: ${decision.error.message}` };
    } finally {
      clearInterval(keepAlive);
    }
  };
}
