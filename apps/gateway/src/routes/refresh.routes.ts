// POST /v1/tenants/:tenant/sources/:source/refresh — ask for a sync now. The scheduler
// decides: it joins the job already queued or running for the source (single flight)
// or queues a new one on the request's priority tier. Answers 202 with the job id.
import type { FastifyInstance } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { requestJson } from '@freshet/bus';
import { PRIORITY, RPC, prioritySchema, revalidateReplySchema, rpcSubject, syncModeSchema } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';
import { channelParamsSchema } from './channel-params';

const refreshBodySchema = z
  .object({ priority: prioritySchema.default(PRIORITY.userWaiting), mode: syncModeSchema.default('incremental') })
  .strict();

const STATUS_OF_ERROR: Record<string, number> = { SOURCE_NOT_FOUND: 404, BAD_REQUEST: 400 };

export interface RefreshRouteOptions {
  nc: NatsConnection;
  subjectPrefix: string;
  rpcTimeoutMs: number;
}

export async function refreshRoutes(app: FastifyInstance, options: RefreshRouteOptions): Promise<void> {
  app.post('/v1/tenants/:tenant/sources/:source/refresh', async (request, reply) => {
    const channel = channelParamsSchema.parse(request.params);
    const body = refreshBodySchema.parse(request.body ?? {});
    const answer = await requestJson(
      options.nc,
      rpcSubject(options.subjectPrefix, RPC.scheduler.service, RPC.scheduler.revalidate),
      { ...channel, priority: body.priority, mode: body.mode, reason: 'refresh requested through the gateway' },
      revalidateReplySchema,
      options.rpcTimeoutMs,
    ).catch((error: unknown) => {
      throw new HttpProblem(503, 'SCHEDULER_UNAVAILABLE', 'the scheduler did not answer; try again shortly', undefined, { cause: error });
    });
    if (!answer.ok) throw new HttpProblem(STATUS_OF_ERROR[answer.error.code] ?? 502, answer.error.code, answer.error.message);
    request.log.info({ ...channel, jobId: answer.jobId, joined: answer.joined, priority: answer.priority }, 'refresh requested');
    return reply.code(202).send({ jobId: answer.jobId, joined: answer.joined, priority: answer.priority, status: answer.status });
  });
}
