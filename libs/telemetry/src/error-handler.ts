// The single edge where errors become HTTP answers: `{ error, message, details? }` — `error`
// a stable machine-readable code, `message` for people, `details` (e.g. each invalid field).
// 4xx say exactly what was wrong; 5xx are logged with full context and hidden from callers.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { HttpProblem } from './http-problem';

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

function zodDetails(error: ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpProblem) {
    return { status: error.statusCode, body: { error: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
  }
  if (error instanceof ZodError) {
    const details = zodDetails(error);
    const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return { status: 400, body: { error: 'VALIDATION_FAILED', message: `invalid request: ${summary}`, details } };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return {
      status,
      body: { error: fastifyError.code ?? 'BAD_REQUEST', message: fastifyError.message ?? 'bad request' },
    };
  }
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error' } };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    else request.log.info({ code: body.error, url: request.url, status }, body.message);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'NOT_FOUND', message: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );
}
