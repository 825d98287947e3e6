// Handles one sync command from the work queue: records job.started, runs the sync,
// and on failure records job.failed and decides between a delayed redelivery and a
// final termination. The command was already validated by the bus consumer.
//
// The job's own event stream (job:<jobId>) is read first:
//   - a job that already completed (or failed for good) is not run again: the command is
//     a duplicate (a priority raise re-dispatching the job on a higher tier, a redelivery
//     after a lost ack) and is acked;
//   - the attempt number is 1 + the job's job.started events, not the delivery count:
//     deliveries also count hand-backs while the source was busy (the bus's per-source
//     bound in this replica, the source lock held by another one), which are not attempts.
//     So the lock is probed before job.started is recorded, and a busy source is handed
//     back without an attempt. An attempt that started but never ended (ingest died) still
//     counts: once INGEST_MAX_ATTEMPTS attempts have started, the next delivery records a
//     final job.failed (ATTEMPTS_EXHAUSTED) instead of running again.
import type { Kysely } from 'kysely';
import { appendToStream, readStream } from '@freshet/event-store';
import type { FreshetEvent, SourceDefinition, SyncCommand } from '@freshet/contracts';
import type { DurableMessageContext, HandlerResult } from '@freshet/bus';
import {
  decideBudget,
  openGate,
  spendingGate,
  strategyOf,
  upstreamIdOf,
  type ConcurrencyLimiter,
  type RequestBudget,
  type SecretSources,
  type UpstreamGate,
} from '@freshet/connectors';
import type { Logger } from '@freshet/telemetry';
import type { IngestDatabase } from '../db/ingest-tables';
import type { SyncMetrics } from '../metrics/sync-metrics';
import { findSource } from '../sources/source-repository';
import { decideRetry, RATE_LIMITED, type RetryPolicy } from './retry-policy';
import { runSync } from './run-sync';
import { SourceBusyError, withSourceLock } from './source-lock';
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
  /** Daily request budgets per upstream (sources with `dailyBudget`). */
  budget?: RequestBudget;
  /** Jobs per upstream at once, across replicas. */
  upstreamSlots?: { limiter: ConcurrencyLimiter; perUpstream: number };
}

/** An upstream at its job limit: look again shortly (not an attempt). */
const UPSTREAM_BUSY_RETRY_MS = 2_000;

/** Which upstream a source's jobs count against. */
function upstreamKeyOf(connector: SourceDefinition['connector'], tenant: string, source: string): string {
  return connector.type === 'http' ? upstreamIdOf(connector) : `sql:${tenant}/${source}`;
}

/** A background job waiting for budget looks again after this long at most. */
const BUDGET_RECHECK_MS = 15 * 60_000;

export interface JobHistory {
  completed: boolean;
  /** A job.failed with willRetry false: the job is over. */
  failedForGood: boolean;
  /** Attempts recorded so far (job.started), finished or not. */
  started: number;
}

/** Folds a job's events, oldest first. */
export function jobHistory(events: readonly FreshetEvent[]): JobHistory {
  return {
    completed: events.some((e) => e.type === 'job.completed'),
    failedForGood: events.some((e) => e.type === 'job.failed' && !e.data.willRetry),
    // Runs that ended in a rate-limit answer were waits, not attempts.
    started:
      events.filter((e) => e.type === 'job.started').length -
      events.filter((e) => e.type === 'job.failed' && e.data.error.code === RATE_LIMITED).length,
  };
}

/** Whether another sync holds the source's lock right now (it is taken and released at once). */
async function sourceBusy(db: Kysely<IngestDatabase>, tenant: string, source: string): Promise<boolean> {
  try {
    await withSourceLock(db, tenant, source, async () => undefined);
    return false;
  } catch (error) {
    if (error instanceof SourceBusyError) return true;
    throw error;
  }
}

export function createSyncCommandHandler(deps: SyncHandlerDeps) {
  const now = deps.now ?? (() => new Date());

  return async function handleSyncCommand(command: SyncCommand, ctx: DurableMessageContext): Promise<HandlerResult> {
    const ids = { jobId: command.jobId, tenant: command.tenant, source: command.source };
    const history = jobHistory((await readStream(deps.db, jobStreamId(command.jobId))).events.map((e) => e.event));
    if (history.completed || history.failedForGood) {
      deps.logger.info(
        { ...ids, commandId: command.commandId, priority: command.priority, deliveryCount: ctx.deliveryCount },
        `job already ${history.completed ? 'completed' : 'failed for good'}; acking the duplicate command without running it`,
      );
      return { ack: true };
    }
    const attempt = history.started + 1;
    const job = { tenant: command.tenant, source: command.source, jobId: command.jobId, attempt };
    const at = (): JobRef => ({ ...job, time: now().toISOString() });
    const log = deps.logger.child({ ...ids, attempt, deliveryCount: ctx.deliveryCount });
    const appendJobEvent = (event: Parameters<typeof appendToStream>[2][number]) =>
      appendToStream(deps.db, jobStreamId(command.jobId), [event], { expectedVersion: 'any' });

    const stored = await findSource(deps.db, command.tenant, command.source);
    if (!stored) {
      const error = { code: 'UNKNOWN_SOURCE', message: `source ${command.tenant}/${command.source} is not configured`, retryable: false };
      await appendJobEvent(decideJobFailed(at(), error, false));
      log.warn({ error }, 'sync command for an unknown source');
      return { term: error.message };
    }

    if (history.started >= deps.retry.maxAttempts) {
      // Every attempt started and the last never ended: ingest died running it.
      const error = {
        code: 'ATTEMPTS_EXHAUSTED',
        message: `${history.started} of ${deps.retry.maxAttempts} attempts used; the last did not finish (the worker stopped mid-job)`,
        retryable: false,
      };
      await appendJobEvent(decideJobFailed({ ...at(), attempt: history.started }, error, false));
      log.warn({ error }, 'sync attempts exhausted');
      return { term: `${error.code}: ${error.message}` };
    }
    if (await sourceBusy(deps.db, command.tenant, command.source)) {
      log.info('source busy, trying again shortly');
      return { nak: SOURCE_BUSY_RETRY_MS };
    }

    const connector = stored.definition.connector;
    const budgeted = connector.type === 'http' && connector.dailyBudget && deps.budget ? { budget: deps.budget, upstreamId: upstreamIdOf(connector), ...connector.dailyBudget } : undefined;
    if (budgeted) {
      const status = await budgeted.budget.status(budgeted.upstreamId, budgeted.requests);
      deps.metrics?.budget(budgeted.upstreamId, status);
      const decision = decideBudget(status, budgeted.reserveShare, command.priority);
      if (!decision.run) {
        // Waiting is not an attempt: nothing is recorded, the command comes back later.
        log.info({ reason: decision.reason, until: decision.waitUntil }, 'background job waits for the daily request budget');
        return { nak: Math.max(1_000, Math.min(decision.waitUntil.getTime() - now().getTime(), BUDGET_RECHECK_MS)) };
      }
    }

    const upstreamKey = upstreamKeyOf(connector, command.tenant, command.source);
    const slot = deps.upstreamSlots ? await deps.upstreamSlots.limiter.tryAcquire(upstreamKey, deps.upstreamSlots.perUpstream) : undefined;
    if (deps.upstreamSlots && !slot) {
      log.info({ upstream: upstreamKey, limit: deps.upstreamSlots.perUpstream }, 'upstream at its job limit, trying again shortly');
      return { nak: UPSTREAM_BUSY_RETRY_MS };
    }

    const labels = { tenant: command.tenant, source: command.source, strategy: strategyOf(connector) };
    const baseGate = budgeted ? spendingGate(deps.gate ?? openGate, budgeted.budget) : deps.gate;
    const gate = deps.metrics ? deps.metrics.meterGate(baseGate ?? openGate, labels) : baseGate;
    await appendJobEvent(decideJobStarted(at(), command.priority));
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    // Long syncs tell the server they are alive so the message is not redelivered mid-job.
    const keepAlive = setInterval(() => {
      ctx.working();
      void slot?.renew().catch((error: unknown) => log.warn({ err: error }, 'could not renew the upstream slot'));
    }, 5_000);
    try {
      const result = await runSync(deps.db, stored.definition, job, {
        now,
        gate,
        secrets: deps.secrets,
        forceFull: command.mode === 'full',
        onPage: () => ctx.working(),
      });
      log.info({ ...result.stats, notes: result.notes }, 'sync completed');
      if (budgeted) deps.metrics?.budget(budgeted.upstreamId, await budgeted.budget.status(budgeted.upstreamId, budgeted.requests));
      deps.metrics?.recordJob(labels, 'completed', seconds(), result.stats);
      return { ack: true };
    } catch (error) {
      if (error instanceof SourceBusyError) {
        // Taken between the probe and the sync: rare, and this attempt counts.
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
      await slot?.release().catch((error: unknown) => log.warn({ err: error }, 'could not release the upstream slot'));
    }
  };
}
