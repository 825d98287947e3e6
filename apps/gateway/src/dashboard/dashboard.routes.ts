// Serves the built dashboard (apps/dashboard) at `/` when GATEWAY_DASHBOARD_DIR is set:
// index.html revalidated on every load, the content-hashed assets cached for good, the
// page's CSP and security headers on every file, a pre-compressed .br/.gz sibling when the
// browser takes it.
//
// One GET/HEAD wildcard at `/` (@fastify/static), registered last: the router always
// prefers the API's own routes (static and parametric before a wildcard), so the page can
// never shadow one; a path the directory does not hold, and any path under the API's
// prefixes, is the API's 404 NOT_FOUND. The directory is read per request, so a rebuilt
// dashboard (new hashed names) is served without a restart. A directory holding a file
// under /v1, /docs, /healthz, /readyz or /metrics is refused at start.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { ConfigError } from '@freshet/config';
import { cacheControlFor, DASHBOARD_SECURITY_HEADERS, RESERVED_PATHS, reservedPathConflict, servesPath } from './dashboard-files';

export interface DashboardOptions {
  /** The built dashboard: index.html and its assets. */
  dir: string;
}

const refuse = (message: string) => new ConfigError('gateway', [{ variable: 'GATEWAY_DASHBOARD_DIR', message }]);

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1).split('\\').join('/'));
}

/** Registers the dashboard's routes; throws a ConfigError when the directory is not a built dashboard. */
export async function registerDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const root = resolve(options.dir);
  const index = await stat(join(root, 'index.html')).catch(() => undefined);
  if (!index?.isFile()) throw refuse(`${root} holds no index.html; build the dashboard with \`npx nx run dashboard:build\` (output dist/apps/dashboard)`);
  const conflict = reservedPathConflict(await listFiles(root));
  if (conflict) throw refuse(`${conflict} would shadow a gateway route (${RESERVED_PATHS.map((p) => `/${p}`).join(', ')} are the API's)`);

  // Encapsulated: the reply decorators and hooks stay in here.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root,
      prefix: '/',
      index: ['index.html'],
      decorateReply: false,
      allowedPath: (pathname) => servesPath(pathname),
      dotfiles: 'ignore',
      // The .br/.gz siblings the build writes, sent in place of the file when accepted.
      preCompressed: true,
      cacheControl: false,
      etag: true,
      lastModified: true,
      setHeaders(reply, path) {
        reply.header('cache-control', cacheControlFor(path));
        for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) reply.header(name, value);
      },
    });
  });
  app.log.info({ dashboardDir: root }, 'serving the dashboard at /');
}
