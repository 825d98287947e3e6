// Fastify plugin every service registers: /healthz (the process runs), /readyz (its
// real dependencies answer), /metrics (Prometheus text from OpenTelemetry), an HTTP
// request-duration histogram and a trace span per request.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from './metrics';
import { runReadinessChecks, type ReadinessCheck } from './readiness';
import { registerHttpServerSpans } from './tracing/http-server-spans';

export interface ObservabilityOptions {
  service: string;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
}

async function observability(app: FastifyInstance, options: ObservabilityOptions): Promise<void> {
  // A server span per request (decision 0013); routes registered after this plugin run in it.
  registerHttpServerSpans(app);
  const duration = options.metrics.meter.createHistogram('http_server_request_duration_seconds', {
    description: 'Duration of HTTP requests served, in seconds',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });

  app.addHook('onResponse', async (request, reply) => {
    duration.record(reply.elapsedTime / 1000, {
      'http.request.method': request.method,
      'http.route': request.routeOptions.url ?? 'unmatched',
      'http.response.status_code': reply.statusCode,
    });
  });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok', service: options.service }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await runReadinessChecks(options.readiness);
    return reply.code(report.status === 'ready' ? 200 : 503).send({ service: options.service, ...report });
  });

  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    reply.hijack();
    options.metrics.exporter.getMetricsRequestHandler(request.raw, reply.raw);
  });
}

export const observabilityPlugin = fp(observability, { name: 'freshet-observability', fastify: '5.x' });
