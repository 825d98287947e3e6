// One SSE request over fetch (so Authorization and Last-Event-ID can be sent, which an
// EventSource cannot), framed by eventsource-parser. Runs until the stream ends, fails,
// goes silent for idleTimeoutMs (heartbeats count), or is aborted, and says which.
// The messages of one network chunk are handed over together, so the client applies them
// as one batch.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ClientError } from '../types';
import { errorFromResponse, retryAfterMs, toClientError } from './client-error';

export interface StreamRequest {
  url: string;
  headers: Record<string, string>;
  credentials?: RequestCredentials;
}

export type StreamEnd =
  /** Answered with an error status before any event. */
  | { kind: 'refused'; error: ClientError; retryAfterMs?: number }
  /** The server ended the response. */
  | { kind: 'ended' }
  /** Network failure, a non-SSE answer, or silence past the idle timeout. */
  | { kind: 'failed'; error: ClientError }
  /** Aborted by the caller. */
  | { kind: 'aborted' };

export interface StreamHandlers {
  onOpen?(): void;
  onMessages(messages: EventSourceMessage[]): void;
}

function idleFailure(idleTimeoutMs: number): StreamEnd {
  return { kind: 'failed', error: { code: 'STREAM_IDLE', message: `no data (not even a heartbeat) for ${idleTimeoutMs} ms` } };
}

export async function runEventStream(
  fetchFn: typeof fetch,
  request: StreamRequest,
  handlers: StreamHandlers,
  options: { signal: AbortSignal; idleTimeoutMs: number },
): Promise<StreamEnd> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal.addEventListener('abort', abort, { once: true });
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      controller.abort();
    }, options.idleTimeoutMs);
  };
  const ended = (end: StreamEnd): StreamEnd => (options.signal.aborted ? { kind: 'aborted' } : end);
  try {
    armIdle();
    const response = await fetchFn(request.url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', ...request.headers },
      ...(request.credentials ? { credentials: request.credentials } : {}),
      cache: 'no-store',
      signal: controller.signal,
    });
    if (!response.ok) {
      const error = await errorFromResponse(response);
      const after = retryAfterMs(response);
      return ended({ kind: 'refused', error, ...(after === undefined ? {} : { retryAfterMs: after }) });
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || response.body === null) {
      await response.body?.cancel().catch(() => undefined);
      return ended({ kind: 'failed', error: { code: 'NOT_AN_EVENT_STREAM', message: `the stream answered ${response.status} with ${type || 'no content type'}`, status: response.status } });
    }
    handlers.onOpen?.();
    let batch: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (message) => batch.push(message) });
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    // Not every fetch ties its body to the signal (polyfills, fakes): cancel the read too.
    controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      armIdle();
      parser.feed(decoder.decode(value, { stream: true }));
      if (batch.length > 0 && !options.signal.aborted) {
        const messages = batch;
        batch = [];
        handlers.onMessages(messages);
      }
    }
    return ended(idle ? idleFailure(options.idleTimeoutMs) : { kind: 'ended' });
  } catch (error) {
    if (idle) return ended(idleFailure(options.idleTimeoutMs));
    const clientError = toClientError(error);
    return ended({ kind: 'failed', error: { code: clientError.code, message: clientError.message } });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal.removeEventListener('abort', abort);
    controller.abort();
  }
}
