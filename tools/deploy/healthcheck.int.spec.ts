// infra/docker/healthcheck.mjs, the images' health probe, run as the Dockerfile and
// docker-compose.yml run it (`node healthcheck.mjs <path>` with PORT set) against a server
// serving the real operational routes (libs/telemetry's plugin).
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceMetrics, observabilityPlugin, type ServiceMetrics } from '@freshet/telemetry';

const PROBE = 'infra/docker/healthcheck.mjs';

function probe(path: string | undefined, port: string | undefined): Promise<{ code: number; stderr: string }> {
  const env = { ...process.env, PORT: port };
  if (port === undefined) delete env.PORT;
  return new Promise((resolve) => {
    execFile(process.execPath, path === undefined ? [PROBE] : [PROBE, path], { env, timeout: 10_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr });
    });
  });
}

describe('healthcheck.mjs', () => {
  let app: FastifyInstance;
  let metrics: ServiceMetrics;
  let port: string;
  let dependencyUp = true;

  beforeAll(async () => {
    app = Fastify();
    metrics = createServiceMetrics('healthcheck-test');
    await app.register(observabilityPlugin, {
      service: 'healthcheck-test',
      metrics,
      readiness: { dependency: async () => (dependencyUp ? undefined : Promise.reject(new Error('down'))) },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = String((app.server.address() as AddressInfo).port);
  });

  afterAll(async () => {
    await app.close();
    await metrics.shutdown();
  });

  it('exits 0 while the route answers 2xx, liveness by default', async () => {
    expect((await probe('/healthz', port)).code).toBe(0);
    expect((await probe(undefined, port)).code).toBe(0);
    expect((await probe('/readyz', port)).code).toBe(0);
  });

  it('exits 1 when readiness answers 503, and says why', async () => {
    dependencyUp = false;
    try {
      const result = await probe('/readyz', port);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('503');
      expect((await probe('/healthz', port)).code).toBe(0);
    } finally {
      dependencyUp = true;
    }
  });

  it('exits 1 when nothing listens and 2 when called wrongly', async () => {
    const closed = Fastify();
    await closed.listen({ host: '127.0.0.1', port: 0 });
    const freePort = String((closed.server.address() as AddressInfo).port);
    await closed.close();
    expect((await probe('/healthz', freePort)).code).toBe(1);
    expect((await probe('/healthz', undefined)).code).toBe(2);
    expect((await probe('healthz; rm -rf /', port)).code).toBe(2);
  });
});
