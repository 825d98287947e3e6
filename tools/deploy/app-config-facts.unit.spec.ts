// What the deploy checks accept as "an app reads this variable": its config schema's keys
// and, for an app that starts tracing, the keys of libs/telemetry's tracingEnvSchema (and
// the SDK's own few) — nothing else, so a misspelt or unknown variable in compose or
// Kubernetes fails them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingEnvSchema } from '@freshet/telemetry';
import { appNames, appReadsEnv, READ_FACTS_TIMEOUT_MS, readAppConfigFacts, startsTracing, TRACING_ENV_NAMES, unknownEnv, type AppConfigFacts } from './app-config-facts';

const fakeRoot = mkdtempSync(join(tmpdir(), 'freshet-facts-'));

function fakeApp(app: string, main: string): void {
  mkdirSync(join(fakeRoot, 'apps', app, 'src'), { recursive: true });
  writeFileSync(join(fakeRoot, 'apps', app, 'src', 'main.ts'), main);
}

afterAll(() => rmSync(fakeRoot, { recursive: true, force: true }));

describe('app config facts', () => {
  let facts: Map<string, AppConfigFacts>;

  beforeAll(() => {
    facts = readAppConfigFacts();
  }, READ_FACTS_TIMEOUT_MS);

  it("takes the tracing variables from libs/telemetry's schema (OTEL_* and FRESHET_TRACING_*), plus the few the SDK reads itself", () => {
    const schemaKeys = Object.keys(tracingEnvSchema.shape);
    expect(schemaKeys.length).toBeGreaterThan(10);
    for (const name of schemaKeys) expect(TRACING_ENV_NAMES.has(name), name).toBe(true);
    expect([...TRACING_ENV_NAMES].filter((name) => !schemaKeys.includes(name)).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'OTEL_RESOURCE_ATTRIBUTES',
    ]);
    expect([...TRACING_ENV_NAMES].every((name) => /^(OTEL_|FRESHET_TRACING_)/.test(name))).toBe(true);
  });

  it('accepts every tracing variable the table of docs/operations.md, "Tracing", offers operators', () => {
    const doc = readFileSync('docs/operations.md', 'utf8');
    const section = doc.slice(doc.indexOf('\n## Tracing'), doc.indexOf('\n## ', doc.indexOf('\n## Tracing') + 1));
    const table = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .join('\n');
    const offered = [...table.matchAll(/`((?:OTEL|FRESHET_TRACING)_[A-Z_]+)(?:=[^`]*)?`/g)].map((m) => m[1]!);
    expect(offered.length).toBeGreaterThan(5);
    expect(offered.filter((name) => !TRACING_ENV_NAMES.has(name))).toEqual([]);
  });

  it.each(appNames())('%s starts tracing, so it reads the tracing variables next to its own', (app) => {
    const appFacts = facts.get(app)!;
    expect(appFacts.tracingEnvNames).toBe(TRACING_ENV_NAMES);
    expect(appReadsEnv(appFacts, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe(true);
    expect(appReadsEnv(appFacts, 'LOG_LEVEL')).toBe(true);
    // Tracing variables are not the app's config: the schema keys stay its own.
    expect(appFacts.envNames.has('OTEL_EXPORTER_OTLP_ENDPOINT')).toBe(false);
  });

  it('reads FRESHET_STREAM_REPLICAS in every app that connects to NATS', () => {
    for (const app of ['ingest', 'sync-scheduler', 'cache', 'gateway']) expect(appReadsEnv(facts.get(app)!, 'FRESHET_STREAM_REPLICAS'), app).toBe(true);
  });

  it('refuses what no app reads, in order, however close to a known name', () => {
    const gateway = facts.get('gateway')!;
    expect(
      unknownEnv(gateway, [
        'NATS_URL',
        'OTEL_EXPORTER_OTLP_ENDPOINTS',
        'FRESHET_STREAM_REPLICA',
        'OTEL_TRACES_SAMPLER',
        'FRESHET_TRACING_SAMPLE',
        'OTEL_SERVICE_NAME', // read by the SDK but overridden: each app names its own service
        'INGEST_MAX_CONCURRENT_JOBS', // ingest's, not the gateway's
      ]),
    ).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINTS', 'FRESHET_STREAM_REPLICA', 'FRESHET_TRACING_SAMPLE', 'OTEL_SERVICE_NAME', 'INGEST_MAX_CONCURRENT_JOBS']);
  });

  it('gives the tracing variables only to an app whose main.ts calls startTracing (or runService) from @freshet/telemetry', () => {
    fakeApp('traced', "import { createLogger, startTracing as begin } from '@freshet/telemetry';\nbegin({ service: 'x', logger: createLogger('x') });\n");
    fakeApp('untraced', "import { createLogger } from '@freshet/telemetry';\nconst startTracing = () => undefined;\nstartTracing();\ncreateLogger('x');\n");
    fakeApp('imports-only', "import { startTracing } from '@freshet/telemetry';\nexport const later = startTracing;\n");
    expect(startsTracing(fakeRoot, 'traced')).toBe(true);
    expect(startsTracing(fakeRoot, 'untraced')).toBe(false);
    expect(startsTracing(fakeRoot, 'imports-only')).toBe(false);
    // runService starts tracing for the service it runs.
    fakeApp('run-service', "import { runService } from '@freshet/telemetry';\nawait runService({ service: 'x', loadConfig, start });\n");
    expect(startsTracing(fakeRoot, 'run-service')).toBe(true);

    const untraced: AppConfigFacts = { app: 'untraced', envNames: new Set(['PORT']), envPrefixes: [], defaultPort: 1, tracingEnvNames: new Set() };
    expect(unknownEnv(untraced, ['PORT', 'OTEL_EXPORTER_OTLP_ENDPOINT'])).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT']);
  });
});
