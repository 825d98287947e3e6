// The gateway's REST paths as the client asks for them. One place, so a page's boot
// script that asks early (see ../prefetch) builds byte-for-byte the URLs the client later
// looks its answers up by. Nothing here may import zod or the contracts: the boot script
// bundles this file alone.
export type QueryValue = string | number | ReadonlyArray<string> | undefined;

/** Records per snapshot page the client asks for: the gateway's maximum (SNAPSHOT_MAX_LIMIT, checked in a test). */
export const SNAPSHOT_PAGE_LIMIT = 1000;
/** Sources per page of the tenant's list. */
export const SOURCES_PAGE_LIMIT = 500;
export const SESSION_PATH = '/v1/session';

export function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number') params.append(name, String(value));
    else for (const item of value) params.append(name, item);
  }
  const search = params.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}

export function tenantPath(tenant: string, rest = ''): string {
  return `/v1/tenants/${encodeURIComponent(tenant)}${rest}`;
}

export function sourcePath(tenant: string, source: string, rest = ''): string {
  return tenantPath(tenant, `/sources/${encodeURIComponent(source)}${rest}`);
}

/** The first page of the tenant's source list. */
export function sourcesUrl(baseUrl: string, tenant: string, after?: string): string {
  return buildUrl(baseUrl, tenantPath(tenant, '/sources'), { limit: SOURCES_PAGE_LIMIT, after });
}

/** A page of a source's snapshot (the first when no cursor). */
export function snapshotUrl(baseUrl: string, tenant: string, source: string, cursor?: string): string {
  return buildUrl(baseUrl, sourcePath(tenant, source, '/snapshot'), { limit: SNAPSHOT_PAGE_LIMIT, cursor });
}
