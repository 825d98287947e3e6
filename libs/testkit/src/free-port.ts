// A free TCP port on loopback, for starting a server beside the ones already running (a
// stack, a NATS cluster node, Prometheus). Asked of the kernel, then released: whoever
// listens on it next should do so at once.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
