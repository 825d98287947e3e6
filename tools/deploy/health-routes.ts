// The operational routes every app really serves, taken from the plugin that serves them
// (libs/telemetry's observabilityPlugin, registered on a throwaway Fastify instance), and
// which apps register that plugin at their root. Probes, healthchecks and scrape configs
// are checked against these, not against a list typed into a test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createServiceMetrics, observabilityPlugin } from '@freshet/telemetry';

export interface OperationalRoutes {
  /** Answers 200 while the process serves HTTP. */
  liveness: string;
  /** Answers 200 only while the app's real dependencies answer. */
  readiness: string;
  /** Prometheus text. */
  metrics: string;
  /** Every GET route the plugin registers. */
  all: ReadonlySet<string>;
}

export async function operationalRoutes(): Promise<OperationalRoutes> {
  const app = Fastify();
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes('GET')) routes.push(route.url);
  });
  const metrics = createServiceMetrics('deploy-check');
  try {
    await app.register(observabilityPlugin, { service: 'deploy-check', metrics, readiness: { failing: () => Promise.reject(new Error('down')) } });
    await app.ready();
    const status = async (url: string) => (await app.inject({ method: 'GET', url })).statusCode;
    // Tell the routes apart by behaviour: with a failing dependency, liveness still says
    // 200 and readiness 503; metrics answer Prometheus text.
    const found: Partial<OperationalRoutes> = {};
    for (const url of routes) {
      const response = await app.inject({ method: 'GET', url });
      if (String(response.headers['content-type'] ?? '').startsWith('text/plain')) found.metrics = url;
      else if ((await status(url)) === 200) found.liveness = url;
      else if (response.statusCode === 503) found.readiness = url;
    }
    if (!found.liveness || !found.readiness || !found.metrics) {
      throw new Error(`observabilityPlugin routes not recognised: ${routes.join(', ')}`);
    }
    return { liveness: found.liveness, readiness: found.readiness, metrics: found.metrics, all: new Set(routes) };
  } finally {
    await app.close();
    await metrics.shutdown();
  }
}

/** Whether apps/<app>/src/app.ts registers the observability plugin at its root (no route prefix). */
export function registersObservability(app: string, root = '.'): boolean {
  const source = readFileSync(join(root, 'apps', app, 'src', 'app.ts'), 'utf8');
  const call = /\.register\(\s*observabilityPlugin\s*,\s*\{([^}]*)\}/.exec(source);
  return call !== null && !/\bprefix\s*:/.test(call[1] ?? '');
}
