// A throwaway JetStream cluster of real nats-server processes on loopback, for the few tests
// that must see what a cluster does and a single server does not (stream replicas). The
// machines' server (/usr/sbin/nats-server, or NATS_SERVER_BIN) is started `size` times with
// free ports and temporary storage; `stop` kills them and removes the storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export interface NatsCluster {
  /** Every server's client URL, comma-separated (what NATS_URL takes). */
  url: string;
  name: string;
  stop(): Promise<void>;
}


function serverBinary(): string {
  const candidates = [process.env['NATS_SERVER_BIN'], '/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].filter((p): p is string => Boolean(p));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`nats-server not found (looked at ${candidates.join(', ')}); set NATS_SERVER_BIN`);
  return found;
}

export async function startNatsCluster(options: { size?: number; name?: string } = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const name = options.name ?? `freshet-test-${process.pid}`;
  const dir = await mkdtemp(join(tmpdir(), 'freshet-nats-cluster-'));
  const nodes = await Promise.all(Array.from({ length: size }, async (_, i) => ({ index: i + 1, client: await freePort(), route: await freePort() })));
  const routes = nodes.map((n) => `nats-route://127.0.0.1:${n.route}`).join(', ');
  const processes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) {
      const config = join(dir, `n${node.index}.conf`);
      await writeFile(
        config,
        [
          `server_name: n${node.index}`,
          `listen: 127.0.0.1:${node.client}`,
          `jetstream { store_dir: "${join(dir, `n${node.index}`)}" }`,
          `cluster { name: ${name}, listen: 127.0.0.1:${node.route}, routes: [${routes}] }`,
        ].join('\n'),
      );
      processes.push(spawn(serverBinary(), ['-c', config], { stdio: 'ignore' }));
    }
    const url = nodes.map((n) => `nats://127.0.0.1:${n.client}`).join(',');
    // Ready when the cluster has a JetStream meta leader: the account info answers.
    const nc = await waitFor(() => connect({ servers: url }).catch(() => undefined), { timeoutMs: 10_000, message: 'the cluster accepts connections' });
    try {
      // checkAPI off: the manager would ask for the account info once, before there is a leader.
      const jsm = await jetstreamManager(nc, { checkAPI: false });
      await waitFor(() => jsm.getAccountInfo().then(() => true, () => false), { timeoutMs: 30_000, intervalMs: 250, message: 'the cluster elects a JetStream leader' });
    } finally {
      await nc.close();
    }
    return { url, name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
