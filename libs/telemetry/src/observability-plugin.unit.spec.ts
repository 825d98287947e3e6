import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createServiceMetrics, observabilityPlugin } from './index';

describe('observability plugin', () => {
  const apps: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  async function build(readiness: Record<string, () => Promise<unknown>>) {
    const app = Fastify();
    apps.push(app);
    const metrics = createServiceMetrics('test-svc');
    await app.register(observabilityPlugin, { service: 'test-svc', metrics, readiness });
    app.get('/hello', async () => 'hi');
    return app;
  }

  it('answers liveness without touching dependencies', async () => {
    const app = await build({ broken: () => Promise.reject(new Error('down')) });
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', service: 'test-svc' });
  });

  it('is ready only when every dependency answers, and names the one that does not', async () => {
    const ok = await build({ postgres: async () => 1, nats: async () => 1 });
    const ready = await ok.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');

    const bad = await build({ postgres: async () => 1, nats: () => Promise.reject(new Error('connection refused')) });
    const notReady = await bad.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().checks.nats).toMatchObject({ ok: false, error: 'connection refused' });
    expect(notReady.json().checks.postgres.ok).toBe(true);
  });

  it('serves request metrics in Prometheus format', async () => {
    const app = await build({});
    await app.inject('/hello');
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_route="\/hello"[^}]*\} 1/);
  });
});
