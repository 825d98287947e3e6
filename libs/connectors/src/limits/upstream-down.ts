// Which failures mean "the upstream is down" and may open its circuit: it could not be
// reached, it did not answer in time, or it answered 5xx. An answer of 4xx proves it is
// up (a 429 is backpressure, handled by the shared pause), and a page we cannot parse or
// a caller's own cancellation say nothing about its health.
import { UpstreamHttpError, UpstreamUnavailableError } from '../connector-errors';

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const MAX_CAUSE_DEPTH = 5;

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

function isCallerAbort(error: unknown): boolean {
  return field(error, 'name') === 'AbortError';
}

/** True for failures that should count towards opening the upstream's circuit. */
export function isUpstreamDownError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth += 1) {
    if (isCallerAbort(current)) return false;
    if (current instanceof UpstreamHttpError) return current.status >= 500;
    if (current instanceof UpstreamUnavailableError) {
      // fetchPagedList wraps the caller's own abort too; that one is not the upstream's fault.
      return !isCallerAbort(current.cause);
    }
    // Errors of other HTTP clients that carry the status.
    const status = field(current, 'status') ?? field(current, 'statusCode');
    if (typeof status === 'number' && status >= 100 && status < 600) return status >= 500;
    if (field(current, 'name') === 'TimeoutError') return true;
    const code = field(current, 'code');
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    current = field(current, 'cause');
  }
  return false;
}
