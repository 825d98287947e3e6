// A real Prometheus for tests: the `prometheus` binary (Debian's package in CI, on PATH or
// PROMETHEUS_BIN) on a free loopback port, with its own configuration scraping the given
// targets and loading the given rule files, and storage in a temporary directory removed
// on stop. Also runs `promtool` checks. A missing binary is an error naming what to
// install, never a skipped test.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from '@freshet/testkit';

const run = promisify(execFile);

/** The path of an executable: `override` if set, else the first one on PATH; throws with an install hint. */
export function findExecutable(name: string, override: string | undefined): string {
  const candidates = override ? [override] : (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error(
    `${name} not found${override ? ` at ${override}` : ' on PATH'}: install Debian's prometheus package (apt-get install -y prometheus; .ci/run does) ` +
      `or point ${name === 'promtool' ? 'PROMTOOL_BIN' : 'PROMETHEUS_BIN'} at the binary`,
  );
}

export const prometheusBinary = () => findExecutable('prometheus', process.env['PROMETHEUS_BIN']);
export const promtoolBinary = () => findExecutable('promtool', process.env['PROMTOOL_BIN']);

/** `promtool check <what> <file>`: resolves with its output, rejects with it when the check fails. */
export async function promtoolCheck(what: 'rules' | 'config', file: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(promtoolBinary(), ['check', what, file], { timeout: 30_000 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool check ${what} ${file} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

export interface PrometheusOptions {
  /** Scrape job name → `host:port` serving /metrics. */
  targets: Record<string, string>;
  ruleFiles: string[];
  intervalSeconds: number;
  /** Prometheus's own output goes here. */
  logFile: string;
}

export interface QueryResult {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
}

export interface PrometheusServer {
  url: string;
  configFile: string;
  /** An instant query through the HTTP API (`/api/v1/query`). */
  query(expr: string): Promise<QueryResult>;
  /** GET on the HTTP API, JSON answer. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export function prometheusConfig(options: Pick<PrometheusOptions, 'targets' | 'ruleFiles' | 'intervalSeconds'>): string {
  return stringify({
    global: { scrape_interval: `${options.intervalSeconds}s`, evaluation_interval: `${options.intervalSeconds}s`, scrape_timeout: `${options.intervalSeconds}s` },
    rule_files: options.ruleFiles,
    scrape_configs: Object.entries(options.targets).map(([job, target]) => ({ job_name: job, metrics_path: '/metrics', static_configs: [{ targets: [target] }] })),
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = prometheusBinary();
  const dir = mkdtempSync(join(tmpdir(), 'freshet-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(options));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(
    binary,
    [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1h'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
    log.end();
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited during start-up (code ${child.exitCode}); see ${options.logFile}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready within 30 s; see ${options.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const api = async <T>(path: string): Promise<T> => (await fetch(`${url}${path}`)).json() as Promise<T>;
  return {
    url,
    configFile,
    api,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query: expr }) });
      return (await response.json()) as QueryResult;
    },
    stop,
  };
}
