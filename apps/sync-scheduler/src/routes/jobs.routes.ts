// The scheduler's HTTP API: job stats, recent and dead jobs, retry of a dead job, and
// the status of this replica (scan lease, last and next scan).
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { HttpProblem } from '@freshet/telemetry';
import { JOB_STATUSES, type JobRow, type SchedulerDatabase } from '../db/scheduler-tables';
import { findFollowUpOwner, findJob, jobStats, listJobs } from '../jobs/job-repository';
import type { RevalidateOutcome } from '../jobs/revalidate';
import type { ScanStatus } from '../scan/scan-loop';

export interface JobsRoutesOptions {
  db: Kysely<SchedulerDatabase>;
  instanceId: string;
  scanStatus: () => ScanStatus;
  leaseHolder: () => Promise<string | undefined>;
  retry: (job: JobRow) => Promise<RevalidateOutcome>;
}

const listQuerySchema = z.object({ status: z.enum(JOB_STATUSES).optional(), tenant: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();

function present(job: JobRow) {
  return {
    jobId: job.job_id,
    type: job.type,
    tenant: job.tenant,
    source: job.source,
    priority: job.priority,
    mode: job.mode,
    reason: job.reason,
    status: job.status,
    attempts: job.attempts,
    lastError: job.last_error ?? null,
    stats: job.stats ?? null,
    queuedAt: job.queued_at.toISOString(),
    startedAt: job.started_at?.toISOString() ?? null,
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

/** A follow-up before its row exists: queued, after the running job it waits for. */
function presentFollowUp(owner: JobRow) {
  const followUp = owner.follow_up!;
  return {
    jobId: followUp.jobId,
    type: owner.type,
    tenant: owner.tenant,
    source: owner.source,
    priority: followUp.priority,
    mode: followUp.mode,
    reason: followUp.reason,
    status: 'queued' as const,
    after: owner.job_id,
    attempts: 0,
    lastError: null,
    stats: null,
    queuedAt: followUp.requestedAt,
    startedAt: null,
    finishedAt: null,
  };
}

export async function jobsRoutes(app: FastifyInstance, options: JobsRoutesOptions): Promise<void> {
  app.get('/v1/jobs/stats', async () => jobStats(options.db, new Date()));

  app.get('/v1/jobs', async (request) => {
    const query = listQuerySchema.parse(request.query);
    return { jobs: (await listJobs(options.db, query)).map(present) };
  });

  app.get('/v1/jobs/:jobId', async (request) => {
    const { jobId } = z.object({ jobId: z.uuid() }).parse(request.params);
    const job = await findJob(options.db, jobId);
    if (job) return present(job);
    const owner = await findFollowUpOwner(options.db, jobId);
    if (owner) return presentFollowUp(owner);
    throw new HttpProblem(404, 'JOB_NOT_FOUND', `job ${jobId} does not exist`);
  });

  app.post('/v1/jobs/:jobId/retry', async (request, reply) => {
    const { jobId } = z.object({ jobId: z.uuid() }).parse(request.params);
    const job = await findJob(options.db, jobId);
    if (!job) throw new HttpProblem(404, 'JOB_NOT_FOUND', `job ${jobId} does not exist`);
    if (job.status !== 'dead') throw new HttpProblem(409, 'JOB_NOT_DEAD', `job ${jobId} is ${job.status}; only dead jobs can be retried`);
    const outcome = await options.retry(job);
    return reply.code(202).send({ retryOf: jobId, jobId: outcome.jobId, joined: outcome.joined, status: outcome.status });
  });

  app.get('/v1/status', async () => ({ instanceId: options.instanceId, leaseHolder: (await options.leaseHolder()) ?? null, scan: options.scanStatus() }));
}
