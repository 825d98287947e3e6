// The scheduler's admin request/reply API, for the gateway's tenant-scoped admin surface:
//   <prefix>.rpc.scheduler.overview — a tenant's job stats and latest dead jobs;
//   <prefix>.rpc.scheduler.retry    — retry a dead job of the tenant.
// Every read and write is scoped by the request's tenant: a job of another tenant is
// answered JOB_NOT_FOUND, exactly like one that does not exist, so the answer never
// tells one tenant that another's job id is real.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { respondJson } from '@freshet/bus';
import { RPC, retryJobRequestSchema, rpcSubject, schedulerOverviewRequestSchema } from '@freshet/contracts';
import type { Logger } from '@freshet/telemetry';
import type { JobRow, SchedulerDatabase } from '../db/scheduler-tables';
import { findJob } from '../jobs/job-repository';
import type { RevalidateOutcome } from '../jobs/revalidate';
import { tenantDeadJobs, tenantJobStats } from './tenant-jobs';

export interface AdminRpcOptions {
  db: Kysely<SchedulerDatabase>;
  /** Retries a dead job: the same path as `POST /v1/jobs/:jobId/retry` (single flight on its source). */
  retry: (job: JobRow) => Promise<RevalidateOutcome>;
  now?: () => Date;
}

export function startAdminRpc(nc: NatsConnection, prefix: string, options: AdminRpcOptions, logger: Logger): { unsubscribe(): void } {
  const { db, retry, now = () => new Date() } = options;
  const subscriptions: Subscription[] = [
    respondJson(
      nc,
      rpcSubject(prefix, RPC.scheduler.service, RPC.scheduler.overview),
      schedulerOverviewRequestSchema,
      logger,
      async ({ tenant, deadLimit }) => {
        const [jobs, deadJobs] = await Promise.all([tenantJobStats(db, tenant, now()), tenantDeadJobs(db, tenant, deadLimit)]);
        return { ok: true, jobs, deadJobs };
      },
      'scheduler',
    ),
    respondJson(
      nc,
      rpcSubject(prefix, RPC.scheduler.service, RPC.scheduler.retry),
      retryJobRequestSchema,
      logger,
      async ({ tenant, jobId }) => {
        const job = await findJob(db, jobId);
        if (!job || job.tenant !== tenant) return { ok: false, error: { code: 'JOB_NOT_FOUND', message: `job ${jobId} does not exist` } };
        if (job.status !== 'dead') return { ok: false, error: { code: 'JOB_NOT_DEAD', message: `job ${jobId} is ${job.status}; only dead jobs can be retried` } };
        const outcome = await retry(job);
        logger.info({ tenant, source: job.source, retryOf: jobId, jobId: outcome.jobId, joined: outcome.joined }, 'dead job retried');
        return { ok: true, retryOf: jobId, jobId: outcome.jobId, joined: outcome.joined, priority: outcome.priority, status: outcome.status };
      },
      'scheduler',
    ),
  ];
  return { unsubscribe: () => subscriptions.forEach((s) => s.unsubscribe()) };
}
