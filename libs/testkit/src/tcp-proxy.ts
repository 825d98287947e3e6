// A TCP proxy in front of one of the shared servers, for taking that server "down" for
// one client without stopping it for everyone else: point the service under test at the
// proxy, then cut() the link (open connections are reset, new ones are accepted and reset
// at once, so clients fail fast rather than hang) and restore() it.
import net from 'node:net';

export interface TcpProxy {
  /** The proxy's own port, on 127.0.0.1. */
  readonly port: number;
  /**
   * The proxy's address: `127.0.0.1:<port>`; with a scheme, `redis://127.0.0.1:<port>`;
   * with a whole URL (`postgres://postgres@127.0.0.1:5432/test`), that URL with the
   * proxy's host and port in place of its own.
   */
  url(schemeOrUrl?: string): string;
  /** Client connections currently forwarded. */
  readonly connections: number;
  /** True between cut() and restore(). */
  readonly isCut: boolean;
  /** Resets every open connection (both sides), and every new one until restore(). */
  cut(): void;
  /** Forwards new connections again. */
  restore(): void;
  /** Stops listening and resets every open connection. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/** Reset (RST) rather than a graceful close: what a crashed server or a broken network looks like. */
function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  // resetAndDestroy throws on a socket that is not connected yet (a pending upstream).
  if (socket.pending || socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let isCut = false;

  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    if (isCut) {
      reset(client);
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.on('error', () => undefined);
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    // Either side gone: the other goes too (reset, so a client never mistakes it for an orderly close).
    const drop = () => {
      pairs.delete(pair);
      reset(client);
      reset(upstream);
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the TCP proxy has no port');
  const port = address.port;

  const resetAll = () => {
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      reset(pair.client);
      reset(pair.upstream);
    }
  };

  return {
    port,
    url(schemeOrUrl) {
      if (schemeOrUrl === undefined) return `${HOST}:${port}`;
      if (!schemeOrUrl.includes('://')) return `${schemeOrUrl}://${HOST}:${port}`;
      const url = new URL(schemeOrUrl);
      url.hostname = HOST;
      url.port = String(port);
      return url.toString();
    },
    get connections() {
      return pairs.size;
    },
    get isCut() {
      return isCut;
    },
    cut() {
      isCut = true;
      resetAll();
    },
    restore() {
      isCut = false;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      isCut = true;
      resetAll();
      await closed;
    },
  };
}
