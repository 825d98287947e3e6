// POST /v1/tenants/:tenant/jobs/:jobId/retry — retry a dead job of the tenant (the
// scheduler's `retry` RPC, which checks the job is the tenant's: another tenant's job is
// 404 like a missing one). 202 with the job that runs the retry.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { RPC, jobParamsSchema, retryJobReplySchema, retryResponseSchema, type RetryJobRequest } from '@freshet/contracts';
import { principalOf, requireAccess } from './access';
import { askService, problemFrom } from './internal-rpc';
import { errorResponses, rpcTarget, type RestRouteOptions } from './rest-options';

const STATUS_OF_ERROR: Readonly<Record<string, number>> = { JOB_NOT_FOUND: 404, JOB_NOT_DEAD: 409, BAD_REQUEST: 400 };

export async function jobsRoutes(app: FastifyInstance, options: RestRouteOptions): Promise<void> {
  const target = rpcTarget(options);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/tenants/:tenant/jobs/:jobId/retry',
    {
      onRequest: requireAccess(options.authenticate, 'admin:write'),
      schema: {
        operationId: 'retryJob',
        tags: ['admin'],
        summary: 'Retry a dead job',
        description: 'A new job for its source, or the one already active for it (joined). 409 JOB_NOT_DEAD for a job that is not dead.',
        params: jobParamsSchema,
        response: { 202: retryResponseSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { tenant, jobId } = request.params;
      const payload: RetryJobRequest = { tenant, jobId };
      const answer = await askService(target, {
        service: RPC.scheduler.service,
        method: RPC.scheduler.retry,
        payload,
        reply: retryJobReplySchema,
        unavailable: { code: 'SCHEDULER_UNAVAILABLE', message: 'the scheduler did not answer; try again shortly' },
      });
      if (!answer.ok) throw problemFrom(answer.error, STATUS_OF_ERROR);
      request.log.info({ tenant, subject: principalOf(request).subject, retryOf: jobId, jobId: answer.jobId, joined: answer.joined }, 'dead job retried');
      const { ok: _ok, ...retried } = answer;
      return reply.code(202).send(retried);
    },
  );
}
