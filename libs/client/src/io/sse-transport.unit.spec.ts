import { describe, expect, it } from 'vitest';
import type { EventSourceMessage } from 'eventsource-parser';
import { runEventStream } from './sse-transport';

function sseResponse(chunks: string[], { hold = false } = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (!hold) controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

async function run(response: Response | (() => Promise<Response>), options: { idleTimeoutMs?: number; signal?: AbortSignal } = {}) {
  const requests: { url: string; init: RequestInit | undefined }[] = [];
  const batches: EventSourceMessage[][] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    requests.push({ url: String(input), init });
    return typeof response === 'function' ? response() : response;
  };
  const end = await runEventStream(
    fetchFn,
    { url: 'http://gw.test/v1/tenants/acme/stream?channel=source:a', headers: { authorization: 'Bearer t', 'last-event-id': 'e:5' }, credentials: 'include' },
    { onMessages: (messages) => batches.push(messages) },
    { signal: options.signal ?? new AbortController().signal, idleTimeoutMs: options.idleTimeoutMs ?? 1_000 },
  );
  return { end, requests, batches };
}

describe('SSE transport over fetch', () => {
  it('sends Accept, the credential and Last-Event-ID, and hands over each chunk as one batch', async () => {
    const { end, requests, batches } = await run(sseResponse(['retry: 2000\n\nid: e:6\nevent: a\ndata: 1\n\nid: e:7\nevent: b\nda', 'ta: 2\n\n:hb\n\n']));
    expect(end).toEqual({ kind: 'ended' });
    const headers = new Headers(requests[0]?.init?.headers);
    expect(headers.get('accept')).toBe('text/event-stream');
    expect(headers.get('authorization')).toBe('Bearer t');
    expect(headers.get('last-event-id')).toBe('e:5');
    expect(requests[0]?.init?.credentials).toBe('include');
    expect(batches).toEqual([[{ id: 'e:6', event: 'a', data: '1' }], [{ id: 'e:7', event: 'b', data: '2' }]]);
  });

  it('reports a refusal with the gateway error and Retry-After', async () => {
    const { end, batches } = await run(Response.json({ error: 'TOO_MANY_STREAMS', message: 'limit' }, { status: 429, headers: { 'retry-after': '3' } }));
    expect(end).toEqual({ kind: 'refused', error: expect.objectContaining({ code: 'TOO_MANY_STREAMS', status: 429 }), retryAfterMs: 3_000 });
    expect(batches).toEqual([]);
  });

  it('fails on an answer that is not an event stream, and on a network error', async () => {
    expect((await run(Response.json({ hello: 1 }))).end).toMatchObject({ kind: 'failed', error: { code: 'NOT_AN_EVENT_STREAM' } });
    expect((await run(() => Promise.reject(new TypeError('fetch failed')))).end).toMatchObject({ kind: 'failed', error: { code: 'NETWORK_ERROR' } });
  });

  it('drops a stream that stays silent past the idle timeout', async () => {
    const started = Date.now();
    const { end } = await run(sseResponse([':hb\n\n'], { hold: true }), { idleTimeoutMs: 60 });
    expect(end).toMatchObject({ kind: 'failed', error: { code: 'STREAM_IDLE' } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('ends as aborted when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    expect((await run(sseResponse([], { hold: true }), { signal: controller.signal, idleTimeoutMs: 5_000 })).end).toEqual({ kind: 'aborted' });
  });
});
