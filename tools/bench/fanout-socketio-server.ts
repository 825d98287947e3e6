// The Socket.IO peer of `npm run bench -- fanout`, run as its own process: Socket.IO 4.8 on
// a node:http server, WebSocket transport only (no long-polling, no upgrade dance), no
// compression (the default), every client in the default namespace. `POST /publish` (the
// benchmark's publisher, once per event) broadcasts the posted event with `io.emit`:
// Socket.IO encodes a broadcast once and writes the same WebSocket frame to every client.
// This is how the in-house systems our users run today fan out. Env: PORT.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { EVENT_TYPE } from './fanout-shared';

const port = Number(process.env['PORT']);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('fanout-socketio-server: PORT is required\n');
  process.exit(2);
}

// Socket.IO answers its own path (/socket.io/) and leaves every other request to this handler.
const server = createServer((req, res) => {
  const path = req.url?.split('?')[0];
  if (req.method === 'POST' && path === '/publish') {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      io.emit(EVENT_TYPE, JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
    return;
  }
  if (req.method === 'GET' && (path === '/readyz' || path === '/stats')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, streams: io.engine.clientsCount }));
    return;
  }
  if (!path?.startsWith('/socket.io/')) res.writeHead(404).end();
});
const io = new Server(server, { transports: ['websocket'], serveClient: false });
server.listen(port, '127.0.0.1');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    io.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
