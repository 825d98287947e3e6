// The gateway's OpenAPI document, generated from the routes' zod schemas (the contracts):
// JSON at /docs/json, Swagger UI at /docs. Also sets the zod validator and serializer
// compilers (fastify-type-provider-zod) for every route registered after it.
//
// Call it before registering any route: @fastify/swagger collects routes as they are
// added, and the compilers apply to routes registered later. Routes without a schema
// (the SSE streams, health) are untouched by the compilers and still listed. A route
// with a plain JSON schema instead of a zod one is refused when the app starts, with a
// message naming it (give it zod schemas, or its own validatorCompiler/serializerCompiler).
import type { FastifyInstance, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

export interface OpenApiOptions {
  title?: string;
  version?: string;
  /** Where Swagger UI is served; the document is at `<routePrefix>/json`. */
  routePrefix?: string;
  /** Operational routes left out of the document. */
  hiddenPaths?: readonly string[];
}

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A JWT (claims sub, tenant, scope) or an API key `fsk_<id>_<secret>`, in `Authorization: Bearer <token>`.',
  },
  cookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'freshet_session',
    description: 'The session cookie set by `POST /v1/session` (for browsers: EventSource cannot set headers). Mutations also need the header `x-freshet-csrf: 1`.',
  },
} as const;

const isZod = (schema: unknown): boolean => typeof schema === 'object' && schema !== null && '_zod' in schema;

const zodOnlyValidator: FastifySchemaCompiler<unknown> = (route) => {
  if (!isZod(route.schema)) {
    throw new Error(`${route.method} ${route.url}: the ${route.httpPart ?? 'request'} schema is not a zod schema; the gateway validates with zod (fastify-type-provider-zod)`);
  }
  return validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
};

const zodOnlySerializer: FastifySerializerCompiler<unknown> = (route) => {
  const schema = route.schema as { properties?: unknown } | undefined;
  if (!isZod(schema) && !isZod(schema?.properties)) {
    throw new Error(`${route.method} ${route.url}: the ${route.httpStatus} response schema is not a zod schema; the gateway serializes with zod (fastify-type-provider-zod)`);
  }
  return serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);
};

type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: Array<{ type?: string }> } }> } };

/** @fastify/swagger marks every body required; a body schema that accepts null (HTTP's "no body") is optional. */
function markOptionalBodies<D>(document: D): D {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operation of Object.values(paths).flatMap((item) => Object.values(item))) {
    const body = operation.requestBody;
    if (body && Object.values(body.content ?? {}).some((media) => media.schema?.anyOf?.some((s) => s.type === 'null'))) body.required = false;
  }
  return document;
}

export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions = {}): Promise<void> {
  const routePrefix = options.routePrefix ?? '/docs';
  const hidden = new Set(options.hiddenPaths ?? ['/healthz', '/readyz', '/metrics']);

  app.setValidatorCompiler(zodOnlyValidator);
  app.setSerializerCompiler(zodOnlySerializer);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title ?? 'Freshet gateway',
        version: options.version ?? '1',
        description:
          "Snapshots, history, sources and admin of one tenant's synced data. Every route is scoped to the credential's tenant: " +
          'another tenant in the path is 403 FOREIGN_TENANT, a missing scope 403 MISSING_SCOPE. Errors are `{error, message, details?}`.',
      },
      // `Error` (the error body) comes from the zod registry: errorBodySchema has that id.
      components: { securitySchemes: SECURITY_SCHEMES },
      security: [{ bearer: [] }, { cookie: [] }],
      tags: [
        { name: 'sources', description: 'Snapshots, history, the source list and refreshes' },
        { name: 'admin', description: 'The tenant overview and dead-job retries' },
      ],
    },
    transform: (document) => {
      if (hidden.has(document.url) || document.url.startsWith(routePrefix)) return { schema: { hide: true } as typeof document.schema, url: document.url };
      return jsonSchemaTransform(document);
    },
    transformObject: (document) => markOptionalBodies(jsonSchemaTransformObject(document)),
  });
  await app.register(fastifySwaggerUi, { routePrefix });
}
