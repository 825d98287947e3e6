// Fastify's own request errors (schema validation, body parsing, body size) turned into the
// API's `{error, message, details?}` problems with stable codes. Used as an error handler
// that rethrows: Fastify then hands the problem to the next error handler up (the service's,
// from @freshet/telemetry), which writes the answer and logs it, so there is one writer.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpProblem } from '@freshet/telemetry';

const PART_NAMES: Record<string, string> = { querystring: 'query', params: 'path', body: 'body', headers: 'headers' };

export function normalizeHttpError(error: unknown, request?: FastifyRequest): unknown {
  if (error instanceof HttpProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = PART_NAMES[(error as { validationContext?: string }).validationContext ?? ''] ?? 'request';
    const details = error.validation.map((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return { path: field === '' ? part : `${part}.${field}`, message: issue.message ?? 'invalid' };
    });
    return new HttpProblem(400, 'VALIDATION_FAILED', `invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details, { cause: error });
  }
  const code = (error as Partial<FastifyError> | undefined)?.code;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request?.routeOptions.bodyLimit;
      const message = limit === undefined ? 'the request body is too large' : `the request body is larger than ${limit} bytes`;
      return new HttpProblem(413, 'BODY_TOO_LARGE', message, undefined, { cause: error });
    }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpProblem(400, 'MALFORMED_JSON', 'the request body is not valid JSON', undefined, { cause: error });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem(400, 'MALFORMED_JSON', 'the request body is empty but its content-type says JSON: send a JSON body, or no content-type', undefined, { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json', undefined, { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem(400, 'BAD_CONTENT_LENGTH', 'the request body does not match its Content-Length', undefined, { cause: error });
    default:
      return error;
  }
}

/** An error handler that normalizes and passes the error on to the parent handler. */
export function rethrowNormalized(error: unknown, request: FastifyRequest, _reply: FastifyReply): never {
  throw normalizeHttpError(error, request);
}
