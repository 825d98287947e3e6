// Launches the whole Freshet stack as local processes: upstream-sim, ingest,
// sync-scheduler, cache and gateway, sharing one set of names (subject prefix, streams,
// Postgres schema, Redis prefix). Used by `npm start` and by the end-to-end tests, which
// launch their own isolated stack on free ports.
import { AppProcess } from './app-process';
import { devGatewayAuthEnv } from './dev-token';
import { DEFAULT_SERVICE_URLS, type ServiceUrls } from './service-probes';

export const APP_NAMES = ['upstream-sim', 'ingest', 'sync-scheduler', 'cache', 'gateway'] as const;
export type AppName = (typeof APP_NAMES)[number];

export interface StackNames {
  subjectPrefix: string;
  eventsStream: string;
  commandsStream: string;
  databaseSchema: string;
  redisKeyPrefix: string;
}

export interface StackOptions {
  ports: Record<AppName, number>;
  names: StackNames;
  services?: ServiceUrls;
  output: 'inherit' | string;
  logLevel?: string;
  /** Extra variables per app (e.g. a short retry base in tests). */
  extraEnv?: Partial<Record<AppName, Record<string, string>>>;
  /** A built dashboard (tools/dev/dashboard-build.ts) the gateway serves at `/`; none when absent. */
  dashboardDir?: string;
}

export interface RunningStack {
  urls: Record<AppName, string>;
  processes: Record<AppName, AppProcess>;
  restart(app: AppName): Promise<void>;
  stop(): Promise<void>;
}

export const DEV_PORTS: Record<AppName, number> = {
  gateway: 4000,
  'upstream-sim': 4010,
  ingest: 4020,
  'sync-scheduler': 4030,
  cache: 4040,
};

function envFor(app: AppName, options: StackOptions): Record<string, string> {
  const services = options.services ?? DEFAULT_SERVICE_URLS;
  return {
    HOST: '127.0.0.1',
    PORT: String(options.ports[app]),
    LOG_LEVEL: options.logLevel ?? 'info',
    NATS_URL: services.nats,
    DATABASE_URL: services.postgres,
    REDIS_URL: services.redis,
    FRESHET_SUBJECT_PREFIX: options.names.subjectPrefix,
    FRESHET_EVENTS_STREAM: options.names.eventsStream,
    FRESHET_COMMANDS_STREAM: options.names.commandsStream,
    // Each service that keeps tables has its own schema: ingest the store, the scheduler its ledger.
    DATABASE_SCHEMA: app === 'sync-scheduler' ? `${options.names.databaseSchema}_scheduler` : options.names.databaseSchema,
    REDIS_KEY_PREFIX: options.names.redisKeyPrefix,
    // The development JWT secret (and a cookie usable over http) unless configured otherwise.
    ...(app === 'gateway' ? devGatewayAuthEnv(process.env) : {}),
    ...(app === 'gateway' && options.dashboardDir ? { GATEWAY_DASHBOARD_DIR: options.dashboardDir } : {}),
    ...options.extraEnv?.[app],
  };
}

async function waitReady(app: AppName, url: string, process: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!process.running) throw new Error(`${app} exited during start-up (exit code ${process.child.exitCode}); see its log`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
      last = await res.text();
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${app} was not ready after ${timeoutMs} ms: ${last}`);
}

export async function launchStack(options: StackOptions): Promise<RunningStack> {
  const urls = Object.fromEntries(APP_NAMES.map((app) => [app, `http://127.0.0.1:${options.ports[app]}`])) as Record<AppName, string>;
  const processes = {} as Record<AppName, AppProcess>;
  const spawnApp = async (app: AppName) => {
    processes[app] = new AppProcess({ name: app, entry: `apps/${app}/src/main.ts`, env: envFor(app, options), output: options.output });
    await waitReady(app, urls[app], processes[app]);
  };
  const stop = async () => {
    // Reverse order: the public surface first, the event source last.
    for (const app of [...APP_NAMES].reverse()) await processes[app]?.stop();
  };
  try {
    // upstream-sim and ingest first: ingest migrates and provisions the streams.
    await spawnApp('upstream-sim');
    await spawnApp('ingest');
    await Promise.all((['sync-scheduler', 'cache', 'gateway'] as const).map(spawnApp));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    processes,
    async restart(app) {
      await processes[app].stop();
      await spawnApp(app);
    },
    stop,
  };
}
