// The one place errors become HTTP responses, always shaped { error: { code, message } }.
// Our named errors map by code; Fastify's own 4xx (bad JSON, wrong content type, body too
// large) keep their status and message; anything else is a 500 whose details are logged,
// never sent.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SimError, type SimErrorCode } from './errors';

const STATUS_BY_CODE: Record<SimErrorCode, number> = {
  INVALID_REQUEST: 400,
  DATASET_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
};

export interface ErrorBody {
  error: { code: string; message: string };
}

function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const { statusCode } = error;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : undefined;
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof SimError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    return reply.code(STATUS_BY_CODE[error.code]).send(body);
  }
  const status = clientErrorStatus(error);
  if (status !== undefined && error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'BAD_REQUEST';
    const body: ErrorBody = { error: { code, message: error.message } };
    return reply.code(status).send(body);
  }
  request.log.error({ err: error, method: request.method, url: request.url }, 'request failed');
  const body: ErrorBody = { error: { code: 'INTERNAL_ERROR', message: 'Internal Server Error' } };
  return reply.code(500).send(body);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body: ErrorBody = {
    error: { code: 'ROUTE_NOT_FOUND', message: `no route for ${request.method} ${request.url.split('?')[0]}` },
  };
  return reply.code(404).send(body);
}
