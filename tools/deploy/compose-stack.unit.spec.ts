// docker-compose.yml as a whole stack: every app built as the image Kubernetes runs, told
// only variables it reads, healthy on its real readiness route, started after what it
// connects to, restarted when it dies; Prometheus scraping every app where it serves
// metrics and Grafana provisioned from the repository. (tools/compose/ checks the servers
// and exposure; each app's config spec checks its compose values parse.)
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tracingSettings } from '@freshet/telemetry';
import { appNames, READ_FACTS_TIMEOUT_MS, readAppConfigFacts, TRACING_ENV_NAMES, unknownEnv, type AppConfigFacts } from './app-config-facts';
import { containerPort, readComposeStack, type ComposeService } from './compose-stack';
import { operationalRoutes, registersObservability, type OperationalRoutes } from './health-routes';

const compose = readComposeStack();
const apps = appNames();
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** `./host/path:/container/path[:ro]` of a service, as { host, container, readOnly }. */
function bindMounts(service: ComposeService): { host: string; container: string; readOnly: boolean }[] {
  return (service.volumes ?? [])
    .filter((volume) => volume.startsWith('./'))
    .map((volume) => {
      const [host, container, mode] = volume.split(':');
      return { host: host!.slice(2), container: container!, readOnly: mode === 'ro' };
    });
}

/** Hosts named in an app's *_URL variables: the servers it connects to. */
function connectsTo(service: ComposeService): string[] {
  return Object.entries(service.environment ?? {})
    .filter(([key]) => key.endsWith('_URL'))
    .map(([, value]) => new URL(value).hostname);
}

describe('docker-compose.yml apps', () => {
  let facts: Map<string, AppConfigFacts>;
  let routes: OperationalRoutes;

  beforeAll(async () => {
    facts = readAppConfigFacts();
    routes = await operationalRoutes();
  }, READ_FACTS_TIMEOUT_MS);

  it.each(apps)('%s: the image infra/k8s runs, built for its own port', (app) => {
    const service = compose.services[app]!;
    expect(service.image).toBe(`freshet/${app}:${version}`);
    expect(service.build?.target).toBe(app === 'gateway' ? 'gateway' : 'app');
    expect(Number(service.build?.args?.['PORT'])).toBe(facts.get(app)!.defaultPort);
    expect(Number(service.environment?.['PORT'])).toBe(facts.get(app)!.defaultPort);
  });

  it.each(apps)('%s: only variables its config (or its tracing) reads, tracing ones with values tracing accepts', (app) => {
    const env = compose.services[app]!.environment ?? {};
    expect(unknownEnv(facts.get(app)!, Object.keys(env))).toEqual([]);
    // The check itself: one more variable, unknown to the app, and it would fail.
    expect(unknownEnv(facts.get(app)!, [...Object.keys(env), 'FRESHET_NOT_A_SETTING', 'OTEL_EXPORTER_OTLP_ENDPOINTS'])).toEqual([
      'FRESHET_NOT_A_SETTING',
      'OTEL_EXPORTER_OTLP_ENDPOINTS',
    ]);
    expect(() => tracingSettings(Object.fromEntries(Object.entries(env).filter(([name]) => TRACING_ENV_NAMES.has(name))))).not.toThrow();
  });

  it.each(apps)('%s: healthy when its real readiness route answers, restarted when it exits', (app) => {
    const service = compose.services[app]!;
    expect(registersObservability(app), `${app} serves the operational routes`).toBe(true);
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'healthcheck.mjs', routes.readiness]);
    expect(service.restart).toBe('unless-stopped');
  });

  it.each(apps)('%s: starts once every server it connects to is healthy', (app) => {
    const service = compose.services[app]!;
    for (const host of connectsTo(service)) {
      expect(compose.services[host], `${app} connects to ${host}`).toBeDefined();
      expect(service.depends_on?.[host]?.condition, `${app} waits for ${host}`).toBe('service_healthy');
    }
  });

  it('waits only for conditions its dependencies can meet', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(['service_healthy', 'service_completed_successfully'], `${name} → ${dependency}`).toContain(condition);
        if (condition === 'service_healthy') expect(compose.services[dependency]?.healthcheck, `${dependency} has a healthcheck`).toBeDefined();
      }
      // Long-running services come back after a crash; the one-shot seed does not.
      expect(service.restart, name).toBeDefined();
    }
  });

  it('mounts only files and folders that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const mount of bindMounts(service)) expect(existsSync(mount.host), `${name}: ${mount.host}`).toBe(true);
    }
  });
});

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[] }[];
}

describe('docker-compose.yml monitoring', () => {
  const prometheus = compose.services['prometheus'];
  const grafana = compose.services['grafana'];
  let routes: OperationalRoutes;

  beforeAll(async () => {
    routes = await operationalRoutes();
  });

  function mountedAt(service: ComposeService | undefined, containerPath: string): string {
    const mount = bindMounts(service ?? {}).find((m) => containerPath === m.container || containerPath.startsWith(`${m.container}/`));
    if (!mount) throw new Error(`nothing mounted at ${containerPath}`);
    expect(mount.readOnly, `${mount.host} is mounted read-only`).toBe(true);
    return mount.host + containerPath.slice(mount.container.length);
  }

  it('runs Prometheus on its config and rules from infra/prometheus, read-only', () => {
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    const configFlag = (prometheus?.command as string[]).find((arg) => arg.startsWith('--config.file='))!;
    expect(mountedAt(prometheus, configFlag.split('=')[1]!)).toBe('infra/prometheus/prometheus.yml');
    const config = parse(readFileSync('infra/prometheus/prometheus.yml', 'utf8')) as { rule_files?: string[] };
    for (const rules of config.rule_files ?? []) expect(mountedAt(prometheus, rules)).toBe('infra/prometheus/rules/*.yml');
  });

  it('scrapes every app by its compose name, on its port, where it serves metrics', () => {
    const config = parse(readFileSync('infra/prometheus/prometheus.yml', 'utf8')) as { scrape_configs: ScrapeConfig[] };
    const scraped = new Map<string, string>();
    for (const job of config.scrape_configs) {
      for (const target of (job.static_configs ?? []).flatMap((s) => s.targets)) {
        const [host, port] = target.split(':');
        if (host === 'localhost') continue; // Prometheus itself
        const service = compose.services[host!];
        expect(service, `${job.job_name} target ${target}`).toBeDefined();
        expect(Number(port), `${target} is ${host}'s port`).toBe(Number(service!.environment?.['PORT']));
        expect(job.metrics_path ?? '/metrics', `${job.job_name} path`).toBe(routes.metrics);
        scraped.set(host!, job.job_name);
      }
    }
    expect([...scraped.keys()].sort()).toEqual([...apps].sort());
  });

  it('provisions Grafana from infra/grafana: Prometheus as data source, the dashboards folder, anonymous viewers, on localhost:3000', () => {
    expect(grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(grafana?.ports).toContain('127.0.0.1:3000:3000');
    expect(grafana?.environment?.['GF_AUTH_ANONYMOUS_ENABLED']).toBe('true');
    expect(grafana?.environment?.['GF_AUTH_ANONYMOUS_ORG_ROLE']).toBe('Viewer');
    expect(mountedAt(grafana, '/etc/grafana/provisioning')).toBe('infra/grafana/provisioning');

    const datasources = parse(readFileSync('infra/grafana/provisioning/datasources/prometheus.yml', 'utf8')) as {
      datasources: { type: string; url: string; isDefault?: boolean }[];
    };
    const prom = datasources.datasources.find((d) => d.type === 'prometheus');
    const url = new URL(prom!.url);
    expect(url.hostname).toBe('prometheus');
    expect(prometheus?.ports?.map(containerPort)).toContain(Number(url.port));
    expect(prom?.isDefault).toBe(true);

    const providers = parse(readFileSync('infra/grafana/provisioning/dashboards/freshet.yml', 'utf8')) as { providers: { options: { path: string } }[] };
    for (const provider of providers.providers) expect(mountedAt(grafana, provider.options.path)).toBe('infra/grafana/dashboards');
    expect(grafana?.depends_on?.['prometheus']?.condition).toBe('service_healthy');
  });
});
