// Start-up failures of the real processes: a service that cannot start must exit with
// code 1, promptly, with a fatal log line that tells the operator what to fix — never
// hang half-started and never die silently.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testNames, TEST_NATS_URL } from '@freshet/testkit';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXIT_DEADLINE_MS = 20_000;
/** Nothing listens on port 1 of the loopback interface. */
const CLOSED = '127.0.0.1:1';

interface LogLine {
  level?: string;
  msg?: string;
  err?: { type?: string; message?: string; code?: string; problems?: Array<{ variable: string; message: string }> };
  [key: string]: unknown;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  elapsedMs: number;
  output: string;
  lines: LogLine[];
}

/** Runs apps/<app>/src/main.ts until it exits; kills it and reports a hang after the deadline. */
function runUntilExit(app: string, env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not exit within ${EXIT_DEADLINE_MS} ms (it hangs instead of failing its start-up); output:\n${output}`));
    }, EXIT_DEADLINE_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': both pipes are drained, so the last log line is in `output`.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const lines = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
      resolve({ code, signal, elapsedMs: Date.now() - started, output, lines });
    });
  });
}

function fatalLine(exit: Exit): LogLine {
  const fatal = exit.lines.filter((line) => line.level === 'fatal');
  expect(fatal, `exactly one fatal log line; output:\n${exit.output}`).toHaveLength(1);
  return fatal[0]!;
}

function isolatedEnv(label: string): Record<string, string> {
  const names = testNames(label);
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    NATS_URL: TEST_NATS_URL,
    FRESHET_SUBJECT_PREFIX: names.subjectPrefix,
    FRESHET_EVENTS_STREAM: names.eventsStream,
    FRESHET_COMMANDS_STREAM: names.commandsStream,
    DATABASE_SCHEMA: names.databaseSchema,
    // The gateway needs a way to check credentials before it gets as far as NATS.
    GATEWAY_JWT_SECRET: 'startup-errors-test-secret-0123456789abcdef',
  };
}

describe('a service that cannot start exits 1 and says why', () => {
  it('ingest with a bad PORT and a non-Postgres DATABASE_URL names both variables', async () => {
    const exit = await runUntilExit('ingest', { ...isolatedEnv('bootcfg'), PORT: 'abc', DATABASE_URL: 'mysql://x' });
    expect(exit.code, exit.output).toBe(1);
    expect(exit.elapsedMs).toBeLessThan(EXIT_DEADLINE_MS);
    expect(exit.output).toMatch(/\bPORT\b/);
    expect(exit.output).toMatch(/\bDATABASE_URL\b/);

    const fatal = fatalLine(exit);
    expect(fatal).toMatchObject({ service: 'ingest', err: { type: 'ConfigError', code: 'INVALID_CONFIG' } });
    expect(fatal.msg).toMatch(/PORT: .*\(got "abc"\)/);
    expect(fatal.msg).toMatch(/DATABASE_URL: .*\(got "mysql:\/\/x"\)/);
    expect(fatal.err?.problems?.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'PORT']);
    expect(exit.lines.some((line) => line.msg === 'ingest listening')).toBe(false);
  });

  it('gateway with NATS_URL where no server listens exits instead of waiting for one', async () => {
    const exit = await runUntilExit('gateway', { ...isolatedEnv('bootnats'), NATS_URL: `nats://${CLOSED}` });
    expect(exit.code, exit.output).toBe(1);
    expect(exit.elapsedMs).toBeLessThan(EXIT_DEADLINE_MS);

    const fatal = fatalLine(exit);
    expect(fatal).toMatchObject({ service: 'gateway', err: { type: 'BusConnectError', code: 'NATS_UNREACHABLE' } });
    // Names NATS, the address NATS_URL points at, and the refusal.
    expect(fatal.msg).toMatch(/could not connect to NATS at nats:\/\/127\.0\.0\.1:1/);
    expect(fatal.msg).toMatch(/connection refused/i);
    expect(exit.lines.some((line) => line.msg === 'gateway listening')).toBe(false);
  });

  it('ingest with DATABASE_URL at a closed port exits naming the refused connection', async () => {
    const exit = await runUntilExit('ingest', { ...isolatedEnv('bootpg'), DATABASE_URL: `postgres://postgres@${CLOSED}/x` });
    expect(exit.code, exit.output).toBe(1);
    expect(exit.elapsedMs).toBeLessThan(EXIT_DEADLINE_MS);

    const fatal = fatalLine(exit);
    expect(fatal).toMatchObject({ service: 'ingest', err: { code: 'ECONNREFUSED' } });
    expect(fatal.msg).toContain(`ECONNREFUSED ${CLOSED}`);
    expect(exit.lines.some((line) => line.msg === 'nats connected' || line.msg === 'ingest listening')).toBe(false);
  });

  it('ingest with a sources file that has a typo exits naming the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'freshet-sources-'));
    const file = join(dir, 'sources.yaml');
    writeFileSync(file, 'sources:\n  - tenant: acme\n    source: orders\n    connector: { type: esi-list, baseUrl: "http://x", pathh: /v1/orders }\n');
    try {
      const exit = await runUntilExit('ingest', { ...isolatedEnv('bootfile'), INGEST_SOURCES_FILE: file });
      expect(exit.code, exit.output).toBe(1);
      const fatal = fatalLine(exit);
      expect(fatal.msg).toContain(`${file}: invalid sources file`);
      expect(fatal.msg).toMatch(/sources\[0\]\.connector/);
      expect(fatal.msg).toMatch(/pathh/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
