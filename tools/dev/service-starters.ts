// How a missing server is started locally, in order of preference: a Docker engine
// (docker compose up -d <service>), then the server binaries on PATH with data under the
// git-ignored .freshet/ folder. When neither is possible the caller prints what to do.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServiceName } from './service-probes';

const DATA_DIR = resolve('.freshet');

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

function dockerWorks(): boolean {
  return onPath('docker') && spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: 'inherit', timeout: 60_000 });
}

const binaryStarters: Record<ServiceName, () => boolean> = {
  postgres: () => {
    // Debian/Ubuntu clusters (what CI machines have).
    if (onPath('pg_ctlcluster') && existsSync('/etc/postgresql')) {
      const version = readdirSync('/etc/postgresql')[0];
      if (version) {
        run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
        return true;
      }
    }
    return false;
  },
  redis: () => {
    if (!onPath('redis-server')) return false;
    mkdirSync(`${DATA_DIR}/redis`, { recursive: true });
    run('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no', '--dir', `${DATA_DIR}/redis`, '--logfile', `${DATA_DIR}/redis/redis.log`]);
    return true;
  },
  nats: () => {
    const binary = ['nats-server', '/usr/sbin/nats-server'].find((b) => onPath(b) || existsSync(b));
    if (!binary) return false;
    mkdirSync(`${DATA_DIR}/nats`, { recursive: true });
    run('sh', ['-c', `nohup ${binary} -a 127.0.0.1 -p 4222 -js -sd ${DATA_DIR}/nats -l ${DATA_DIR}/nats/nats.log >/dev/null 2>&1 &`]);
    return true;
  },
};

export const HOW_TO_START: Record<ServiceName, string> = {
  postgres: 'install PostgreSQL 15+ and start it on 127.0.0.1:5432 (or `docker compose up -d postgres`), or set DATABASE_URL',
  redis: 'install Redis 7 (redis-server) or run `docker compose up -d redis`, or set REDIS_URL',
  nats: 'install nats-server 2.9+ and run `nats-server -js`, or `docker compose up -d nats`, or set NATS_URL',
};

/** Tries to start a missing server; returns how, or undefined when it could not. */
export function startService(name: ServiceName): string | undefined {
  if (dockerWorks()) {
    run('docker', ['compose', 'up', '-d', name]);
    return 'docker compose';
  }
  try {
    return binaryStarters[name]() ? 'local binary' : undefined;
  } catch {
    return undefined;
  }
}
