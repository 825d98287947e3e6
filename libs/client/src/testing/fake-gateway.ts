// A fake of the gateway's HTTP surface for the client's unit tests (our own peer, faked
// at the fetch boundary): snapshots, the overview, refresh, and SSE streams the test
// writes to frame by frame. It records every request, so tests can check the headers.
import type { GatewayOverview, SnapshotMeta, SourceRecord } from '../types';

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  credentials?: RequestCredentials;
}

export class FakeStream {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();
  closed = false;
  readonly body: ReadableStream<Uint8Array>;

  constructor(readonly request: RecordedRequest, signal: AbortSignal | undefined) {
    this.body = new ReadableStream({ start: (c) => (this.controller = c) });
    signal?.addEventListener('abort', () => this.fail(new DOMException('aborted', 'AbortError')));
  }

  get channels(): string[] {
    return this.request.url.searchParams.getAll('channel').sort();
  }

  get lastEventId(): string | undefined {
    return this.request.headers['last-event-id'];
  }

  /** Raw SSE text, e.g. several frames in one chunk. */
  write(text: string): void {
    if (!this.closed) this.controller.enqueue(this.encoder.encode(text));
  }

  send(frame: { id?: string; event: string; data: unknown }): void {
    const data = typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data);
    this.write(`${frame.id === undefined ? '' : `id: ${frame.id}\n`}event: ${frame.event}\ndata: ${data}\n\n`);
  }

  ready(position: string, id: string | undefined = position): void {
    this.send({ id, event: 'ready', data: { channels: this.channels, position } });
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.close();
  }

  fail(error: unknown = new TypeError('terminated')): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.error(error);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export class FakeGateway {
  readonly snapshots = new Map<string, { records: SourceRecord[]; meta: SnapshotMeta }>();
  overview: GatewayOverview | undefined;
  readonly requests: RecordedRequest[] = [];
  readonly streams: FakeStream[] = [];
  /** Answers a stream request instead of opening one (e.g. a 401). */
  refuseStream: ((request: RecordedRequest) => Response | undefined) | undefined;
  /** Records a snapshot page holds at most. */
  pageSize = 1000;
  private readonly waiters = new Set<() => void>();

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const request: RecordedRequest = { url, method: init?.method ?? 'GET', headers, ...(init?.credentials ? { credentials: init.credentials } : {}) };
    this.requests.push(request);
    try {
      return this.answer(request, init?.signal ?? undefined);
    } finally {
      for (const waiter of [...this.waiters]) waiter();
    }
  };

  /** Resolves with the n-th stream (0-based) once it is opened. */
  async stream(index: number, timeoutMs = 2000): Promise<FakeStream> {
    const deadline = Date.now() + timeoutMs;
    while (this.streams.length <= index) {
      if (Date.now() > deadline) throw new Error(`stream ${index} was not opened (${this.streams.length} so far)`);
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        setTimeout(resolve, 10);
      });
    }
    return this.streams[index] as FakeStream;
  }

  private answer(request: RecordedRequest, signal: AbortSignal | undefined): Response {
    const path = request.url.pathname;
    if (path.endsWith('/stream')) {
      const refusal = this.refuseStream?.(request);
      if (refusal) return refusal;
      const stream = new FakeStream(request, signal);
      this.streams.push(stream);
      return new Response(stream.body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
    }
    const snapshot = /\/sources\/([^/]+)\/snapshot$/.exec(path);
    if (snapshot) return this.snapshotPage(decodeURIComponent(snapshot[1] as string), request.url.searchParams.get('cursor'));
    const refresh = /\/sources\/([^/]+)\/refresh$/.exec(path);
    if (refresh && request.method === 'POST') return json(202, { jobId: '5f0c2a44-3a55-4bd3-8a4e-7f7f3c1f0a01', joined: false, priority: 10, status: 'queued' });
    if (path.endsWith('/overview') && this.overview) return json(200, this.overview);
    return json(404, { error: 'NOT_FOUND', message: `no route ${path}` });
  }

  private snapshotPage(source: string, cursor: string | null): Response {
    const snapshot = this.snapshots.get(source);
    if (!snapshot) return json(404, { error: 'SOURCE_NOT_FOUND', message: `no source ${source}` });
    const start = cursor === null ? 0 : Number(cursor);
    const records = snapshot.records.slice(start, start + this.pageSize);
    const next = start + this.pageSize < snapshot.records.length ? String(start + this.pageSize) : undefined;
    const { meta } = snapshot;
    return json(200, { records, ...(next ? { next } : {}), meta, position: `${meta.epoch}:${meta.seq}` });
  }
}
