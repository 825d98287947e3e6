// The OpenAPI document and Swagger UI of the REST surface, generated from the contracts'
// zod schemas; and routes registered without zod schemas (the SSE streams, written by
// hand) still working under the zod compilers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registerErrorHandler } from '@freshet/telemetry';
import { testNames, TEST_NATS_URL } from '@freshet/testkit';
import { bearer, buildRestTestApp } from './testing/rest-test-app';
import { registerOpenApi } from './open-api';

const names = testNames('gwdocs');
let nc: NatsConnection;
let app: FastifyInstance;

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; parameters?: Array<{ name: string; in: string; required?: boolean; schema: Record<string, unknown> }>; requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
  components: { securitySchemes: Record<string, Record<string, unknown>>; schemas: Record<string, Record<string, unknown>> };
  security: Array<Record<string, string[]>>;
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
  app = await buildRestTestApp({
    nc,
    subjectPrefix: names.subjectPrefix,
    eventsStream: names.eventsStream,
    extra: async (instance) => {
      // The stream routes, as another module registers them: no zod schema at all.
      instance.get('/v1/tenants/:tenant/stream', (request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        reply.raw.end(`id: e1:1\nevent: ready\ndata: {"tenant":"${(request.params as { tenant: string }).tenant}"}\n\n`);
      });
      // …or with a zod query schema that transforms.
      instance.withTypeProvider<ZodTypeProvider>().get(
        '/v1/tenants/:tenant/channels',
        { schema: { querystring: z.object({ channel: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])) }) } },
        async (request) => ({ channels: request.query.channel }),
      );
    },
  });
});

afterAll(async () => {
  await app?.close();
  await nc?.close();
});

describe('OpenAPI', () => {
  it('serves Swagger UI at /docs', async () => {
    const ui = await app.inject('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
    expect(ui.body).toContain('swagger');
    expect([200, 302]).toContain((await app.inject('/docs')).statusCode);
  });

  it('documents every REST route with its parameters, bodies, answers, errors and security', async () => {
    const res = await app.inject('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApiDocument>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/tenants/{tenant}/sources/{source}/snapshot',
        '/v1/tenants/{tenant}/sources/{source}/history',
        '/v1/tenants/{tenant}/sources',
        '/v1/tenants/{tenant}/sources/{source}/refresh',
        '/v1/tenants/{tenant}/overview',
        '/v1/tenants/{tenant}/jobs/{jobId}/retry',
        '/v1/tenants/{tenant}/stream',
      ]),
    );
    for (const hidden of ['/healthz', '/readyz', '/metrics', '/docs/json']) expect(doc.paths).not.toHaveProperty(hidden);

    const snapshot = doc.paths['/v1/tenants/{tenant}/sources/{source}/snapshot']?.['get'];
    expect(snapshot?.operationId).toBe('getSnapshot');
    expect(snapshot?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:tenant', 'path:source', 'query:limit', 'query:cursor', 'query:prefix', 'query:updatedSince', 'query:updatedField']),
    );
    expect(snapshot?.parameters?.find((p) => p.name === 'limit')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    const page = snapshot?.responses['200']?.content?.['application/json']?.schema;
    expect(page).toMatchObject({ type: 'object', required: expect.arrayContaining(['records', 'meta', 'position']) });
    expect(JSON.stringify(page)).toContain('"epoch"');
    for (const status of ['4XX', '5XX']) expect(snapshot?.responses[status]?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas['Error']).toMatchObject({ type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' } } });

    const refresh = doc.paths['/v1/tenants/{tenant}/sources/{source}/refresh']?.['post'];
    expect(JSON.stringify(refresh?.requestBody)).toContain('"priority"');
    expect(refresh?.requestBody).toMatchObject({ required: false });
    expect(refresh?.responses).toHaveProperty('202');
    const overview = doc.paths['/v1/tenants/{tenant}/overview']?.['get']?.responses['200']?.content?.['application/json']?.schema;
    expect(overview).toMatchObject({ required: expect.arrayContaining(['position', 'jobs', 'deadJobs', 'cache', 'sources', 'unavailable']) });
    expect(doc.paths['/v1/tenants/{tenant}/jobs/{jobId}/retry']?.['post']?.parameters?.find((p) => p.name === 'jobId')?.schema).toMatchObject({ format: 'uuid' });

    expect(doc.components.securitySchemes).toMatchObject({ bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'freshet_session' } });
    expect(doc.security).toEqual([{ bearer: [] }, { cookie: [] }]);
  });
});

describe('routes without zod schemas under the zod compilers', () => {
  it('still answer: a hand-written SSE stream, a zod query that transforms', async () => {
    const listening = await app.listen({ host: '127.0.0.1', port: 0 });
    const stream = await fetch(`${listening}/v1/tenants/acme/stream`, { headers: bearer('acme', 'sources:read') });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(await stream.text()).toBe('id: e1:1\nevent: ready\ndata: {"tenant":"acme"}\n\n');

    expect((await app.inject('/v1/tenants/acme/channels?channel=a&channel=b')).json()).toEqual({ channels: ['a', 'b'] });
    expect((await app.inject('/v1/tenants/acme/channels')).statusCode).toBe(400);
  });

  it('refuses, when the app starts, a route with a plain JSON schema, naming it', async () => {
    const other = Fastify();
    registerErrorHandler(other);
    await registerOpenApi(other);
    other.get('/v1/json-schema', { schema: { querystring: { type: 'object', properties: { q: { type: 'string' } } } } }, async () => ({}));
    await expect(other.ready()).rejects.toThrow(/GET \/v1\/json-schema: the querystring schema is not a zod schema/);
    await other.close().catch(() => undefined);
  });
});
