// A test client for Server-Sent Events over fetch: collects every event it receives and
// lets a test wait for the one it expects. Parsing is eventsource-parser's, not ours.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseConnection {
  status: number;
  headers: Headers;
  events: SseEvent[];
  comments: string[];
  /** Resolves with the first event (at or after `from`) matching the predicate. */
  waitFor(predicate: (event: SseEvent) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<SseEvent>;
  close(): void;
  closed: Promise<void>;
}

export async function openSse(url: string, init: { headers?: Record<string, string> } = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...init.headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      events.push({ id: message.id, event: message.event ?? 'message', data: message.data });
      notify();
    },
    onComment: (comment) => {
      comments.push(comment);
      notify();
    },
  });

  const closed = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted by close() or the server went away: either way the stream is over
    } finally {
      notify();
    }
  })();

  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    closed,
    close: () => controller.abort(),
    waitFor(predicate, { timeoutMs = 20_000, from = 0 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(predicate);
          if (found) {
            cleanup();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching SSE event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ') || 'nothing'}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
