// The lower bound of `npm run bench -- fanout`, run as its own process: a bare node:http
// SSE loop. `GET /events` writes the SSE head, `retry:` and a `ready` event (as the gateway
// does) and keeps the response; `POST /publish` (the benchmark's publisher, once per event)
// frames the posted event JSON once — `id: <epoch>:<seq>`, `event:`, `data:` lines, the
// bytes the gateway writes for the same event — and writes that one Buffer to every open
// response. No auth, no channels, no heartbeats, no metrics, no slow-client checks: the
// least an SSE server can do per delivery. Env: PORT.
import { createServer, type ServerResponse } from 'node:http';
import { EVENT_TYPE } from './fanout-shared';

const port = Number(process.env['PORT']);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('fanout-raw-server: PORT is required\n');
  process.exit(2);
}

/** An epoch of the length the gateway's have (12 characters), so ids are as long. */
const EPOCH = 'rawbenchepch';
const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

const streams = new Set<ServerResponse>();
let seq = 0;

const server = createServer((req, res) => {
  const path = req.url?.split('?')[0];
  if (req.method === 'GET' && path === '/events') {
    res.socket?.setNoDelay(true);
    res.writeHead(200, SSE_HEADERS);
    res.write(`retry: 2000\n\nid: ${EPOCH}:${seq}\nevent: ready\ndata: {"position":"${EPOCH}:${seq}"}\n\n`);
    streams.add(res);
    res.on('close', () => streams.delete(res));
    res.on('error', () => undefined);
    return;
  }
  if (req.method === 'POST' && path === '/publish') {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seq += 1;
      const frame = Buffer.from(`id: ${EPOCH}:${seq}\nevent: ${EVENT_TYPE}\ndata: ${Buffer.concat(chunks).toString('utf8')}\n\n`, 'utf8');
      for (const stream of streams) stream.write(frame);
      res.writeHead(204).end();
    });
    return;
  }
  if (req.method === 'GET' && (path === '/readyz' || path === '/stats')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, streams: streams.size }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, '127.0.0.1');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
