// Checks that Postgres, Redis and NATS (with JetStream) answer; starts what is missing
// where it can; otherwise exits naming exactly what to install or run. Used by
// `npm start` and by the test command.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEFAULT_SERVICE_URLS, PROBES, probeMysql, TEST_MYSQL_URL, type ServiceName, type ServiceUrls } from './service-probes';
import { HOW_TO_START, startService } from './service-starters';

export async function ensureServices(urls: ServiceUrls = DEFAULT_SERVICE_URLS, log = console.log): Promise<void> {
  const problems: string[] = [];
  for (const name of Object.keys(PROBES) as ServiceName[]) {
    const url = urls[name];
    try {
      await PROBES[name](url);
      log(`✓ ${name} answers at ${url}`);
      continue;
    } catch (error) {
      log(`… ${name} does not answer at ${url} (${(error as Error).message}); trying to start it`);
    }
    const how = startService(name);
    let lastError: unknown;
    for (let i = 0; how && i < 30; i += 1) {
      try {
        await PROBES[name](url);
        lastError = undefined;
        break;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    if (how && lastError === undefined) log(`✓ ${name} started (${how})`);
    else problems.push(`${name} is not reachable at ${url}: ${HOW_TO_START[name]}`);
  }
  if (problems.length > 0) {
    throw new Error(`Freshet needs these servers:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The tests also need MySQL/MariaDB (the SQL-poll connector's MySQL dialect). */
export async function ensureTestMysql(log = console.log): Promise<void> {
  try {
    await probeMysql(TEST_MYSQL_URL);
    log(`✓ mysql answers at ${TEST_MYSQL_URL}`);
    return;
  } catch (error) {
    log(`… mysql does not answer at ${TEST_MYSQL_URL} (${(error as Error).message}); trying to start it`);
  }
  const binary = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((b) => existsSync(b));
  if (binary) spawnSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', binary], { stdio: 'inherit' });
  for (let i = 0; binary && i < 30; i += 1) {
    if (await probeMysql(TEST_MYSQL_URL).then(() => true, () => false)) return void log('✓ mysql started');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the tests need MySQL or MariaDB at ${TEST_MYSQL_URL} (root, no password, database test): install mariadb-server and start it, or set TEST_MYSQL_URL`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  ensureServices({
    postgres: env['DATABASE_URL'] ?? env['TEST_DATABASE_URL'] ?? DEFAULT_SERVICE_URLS.postgres,
    redis: env['REDIS_URL'] ?? DEFAULT_SERVICE_URLS.redis,
    nats: env['NATS_URL'] ?? DEFAULT_SERVICE_URLS.nats,
  })
    .then(() => (process.argv.includes('--with-mysql') ? ensureTestMysql() : undefined))
    .catch((error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    });
}
