// Errors of the client: the gateway's `{error, message, details?}` bodies, and failures
// that never reached it (network, timeout), all as one shape with a stable code.
import { errorBodySchema } from '@freshet/contracts';
import type { ClientError } from '../types';

export class FreshetClientError extends Error implements ClientError {
  readonly code: string;
  readonly status?: number;
  readonly details?: unknown;
  constructor(error: ClientError & { details?: unknown }, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = 'FreshetClientError';
    this.code = error.code;
    if (error.status !== undefined) this.status = error.status;
    if (error.details !== undefined) this.details = error.details;
  }
}

/** The plain, immutable shape kept in store states. */
export function plainError(error: ClientError): ClientError {
  return error.status === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, status: error.status };
}

/** The answer's error: the gateway's body when it sent one, else one named after the status. */
export async function errorFromResponse(response: Response): Promise<FreshetClientError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) return new FreshetClientError({ code: parsed.data.error, message: parsed.data.message, status: response.status, details: parsed.data.details });
  return new FreshetClientError({ code: `HTTP_${response.status}`, message: `the gateway answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, status: response.status });
}

/** Any thrown value as a FreshetClientError (fetch rejects with TypeError on network failures). */
export function toClientError(error: unknown): FreshetClientError {
  if (error instanceof FreshetClientError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return new FreshetClientError({ code: 'TIMEOUT', message: 'the gateway did not answer in time' }, { cause: error });
  if (name === 'AbortError') return new FreshetClientError({ code: 'ABORTED', message: 'the request was aborted' }, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new FreshetClientError({ code: 'NETWORK_ERROR', message: `could not reach the gateway: ${message}` }, { cause: error });
}

/** Retry-After (seconds or an HTTP date) in ms, if the answer has one. */
export function retryAfterMs(response: Response, now = Date.now()): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
