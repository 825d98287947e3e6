// The clients of `npm run bench -- fanout`, in a process of their own (started by the
// harness with an IPC channel; see fanout-shared.ts for the commands). It holds any number
// of connections to one server under test: SSE over node:http (one eventsource-parser per
// connection, each event's data JSON.parse'd as a browser app would) or Socket.IO 4.8 over
// WebSocket only. On every benchmark event it measures publish → receipt on the machine's
// monotonic clock (the record's `sentAtUs`) and checks the event numbers for gaps and
// duplicates per connection.
import { request, type ClientRequest as HttpRequest, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';
import { io, type Socket } from 'socket.io-client';
import {
  EVENT_TYPE,
  Histogram,
  hrUs,
  type ClientCommand,
  type ClientReply,
  type ClientRequest,
  type OpenResult,
  type TickRecord,
  type WindowReport,
} from './fanout-shared';

if (!process.send) {
  process.stderr.write('fanout-clients: start me with an IPC channel (the fanout benchmark does)\n');
  process.exit(2);
}

const OPEN_TIMEOUT_MS = 60_000;

interface Connection {
  lastN: number;
  /** Set when the harness closes it: its end is not a failure. */
  closing: boolean;
  close(): void;
}

const connections = new Set<Connection>();
const latency = new Histogram();
let received = 0;
let missing = 0;
let duplicates = 0;
let closed = 0;
let controlEvents = 0;
let closeReasons: string[] = [];
let windowStart = performance.now();

function onTick(connection: Connection, record: TickRecord): void {
  latency.add((hrUs() - record.sentAtUs) / 1000);
  received += 1;
  const { n } = record;
  if (connection.lastN >= 0) {
    if (n > connection.lastN + 1) missing += n - connection.lastN - 1;
    else if (n <= connection.lastN) duplicates += 1;
  }
  if (n > connection.lastN) connection.lastN = n;
}

function onClosed(connection: Connection, reason: string): void {
  if (!connections.delete(connection) || connection.closing) return;
  closed += 1;
  if (closeReasons.length < 5 && !closeReasons.includes(reason)) closeReasons.push(reason);
}

/** An SSE stream; resolves once the server's `ready` event came (the gateway has registered it with the fan-out by then). */
function openSse(url: string, headers: Record<string, string>): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const req: HttpRequest = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no ready event after ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
    const connection: Connection = { lastN: -1, closing: false, close: () => req.destroy() };
    req.on('error', (error) => {
      fail(error);
      onClosed(connection, error.message);
    });
    req.on('response', (res: IncomingMessage) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => fail(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      const parser = createParser({
        onEvent: (message) => {
          if (message.event === EVENT_TYPE) {
            onTick(connection, (JSON.parse(message.data) as { data: { record: TickRecord } }).data.record);
          } else if (message.event === 'ready' && !settled) {
            settled = true;
            clearTimeout(timer);
            connections.add(connection);
            resolve(connection);
          } else if (message.event !== 'ready') {
            // reset, error, auth-expired: worth knowing, never expected here.
            controlEvents += 1;
            if (closeReasons.length < 5) closeReasons.push(`event ${message.event}: ${message.data.slice(0, 200)}`);
          }
        },
      });
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('error', (error) => onClosed(connection, error.message));
      res.on('close', () => {
        fail(new Error('stream ended before ready'));
        onClosed(connection, 'stream ended by the server');
      });
    });
    req.end();
  });
}

/** A Socket.IO client on the WebSocket transport only (no polling upgrade), no reconnection. */
function openSocketIo(url: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: OPEN_TIMEOUT_MS });
    const connection: Connection = { lastN: -1, closing: false, close: () => socket.disconnect() };
    socket.on(EVENT_TYPE, (event: { data: { record: TickRecord } }) => onTick(connection, event.data.record));
    socket.once('connect', () => {
      connections.add(connection);
      resolve(connection);
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      reject(error);
    });
    socket.on('disconnect', (reason) => onClosed(connection, `disconnect: ${reason}`));
  });
}

async function open(command: Extract<ClientCommand, { op: 'open' }>): Promise<OpenResult> {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const errors: string[] = [];
  const worker = async () => {
    while (next < command.count) {
      next += 1;
      try {
        await (command.kind === 'sse' ? openSse(command.url, command.headers ?? {}) : openSocketIo(command.url));
      } catch (error) {
        failed += 1;
        const message = error instanceof Error ? error.message : String(error);
        if (errors.length < 5 && !errors.includes(message)) errors.push(message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, worker));
  return { open: connections.size, failed, errors, ms: Math.round(performance.now() - started) };
}

function reset(): void {
  latency.reset();
  received = 0;
  missing = 0;
  duplicates = 0;
  closed = 0;
  controlEvents = 0;
  closeReasons = [];
  windowStart = performance.now();
}

function report(): WindowReport {
  return {
    open: connections.size,
    received,
    latency: latency.sparse(),
    missing,
    duplicates,
    controlEvents,
    closed,
    closeReasons,
    windowMs: performance.now() - windowStart,
  };
}

function closeAll(): void {
  for (const connection of connections) {
    connection.closing = true;
    connection.close();
  }
  connections.clear();
}

async function run(command: ClientCommand): Promise<unknown> {
  switch (command.op) {
    case 'open':
      return open(command);
    case 'reset':
      return reset();
    case 'report':
      return report();
    case 'closeAll':
      return closeAll();
  }
}

process.on('message', (message: ClientRequest) => {
  run(message).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies ClientReply),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies ClientReply),
  );
});
// The harness went away (or closed the channel): nothing left to do.
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
