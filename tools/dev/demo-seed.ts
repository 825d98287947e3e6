// Registers the demo tenant's sources with ingest and asks the gateway for a first sync of
// each, the way an operator and a user would: `products` (upstream-sim's "demo" dataset,
// 120 items, full listings) and `stock` (a 1,000-item dataset made here, synced
// incrementally with `updated_since`), so the dashboard has two widgets, one of them big.
import { devToken } from './dev-token';
import type { AppName } from './stack';

export const DEMO = { tenant: 'demo', source: 'products', dataset: 'demo' } as const;
/** The second demo source: 1,000 records, the size the dashboard's first render is measured at. */
export const DEMO_STOCK = { tenant: 'demo', source: 'stock', dataset: 'stock', count: 1000 } as const;

async function expectOk(response: Response, what: string): Promise<unknown> {
  if (!response.ok) throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function registerSource(
  urls: Record<AppName, string>,
  tenant: string,
  source: string,
  dataset: string,
  options: {
    /** The connector without baseUrl and path (default: the full-listing `http-paged-list`). */
    connector?: Record<string, unknown>;
    /** Default `<dataset> items`. */
    displayName?: string;
  } = {},
): Promise<void> {
  await expectOk(
    await fetch(`${urls.ingest}/internal/v1/sources/${tenant}/${source}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        displayName: options.displayName ?? `${dataset} items`,
        connector: { ...(options.connector ?? { type: 'http-paged-list' }), baseUrl: urls['upstream-sim'], path: `/v1/datasets/${dataset}/items` },
      }),
    }),
    `registering source ${tenant}/${source}`,
  );
}

/** Authorization header of a development token for the tenant (the stack's gateway runs with the dev secret). */
export async function devAuth(tenant: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await devToken({ tenant })}` };
}

export async function requestRefresh(gatewayUrl: string, tenant: string, source: string): Promise<{ jobId: string }> {
  return (await expectOk(
    await fetch(`${gatewayUrl}/v1/tenants/${tenant}/sources/${source}/refresh`, { method: 'POST', headers: await devAuth(tenant) }),
    `refreshing ${tenant}/${source}`,
  )) as { jobId: string };
}

/** Creates (or reseeds, deterministically) an upstream-sim dataset of `count` items. */
export async function seedDataset(simUrl: string, dataset: string, count: number): Promise<void> {
  await expectOk(
    await fetch(`${simUrl}/admin/datasets/${dataset}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count }) }),
    `seeding upstream-sim dataset ${dataset}`,
  );
}

export async function seedDemo(urls: Record<AppName, string>): Promise<void> {
  await registerSource(urls, DEMO.tenant, DEMO.source, DEMO.dataset, { displayName: 'Products' });
  await requestRefresh(urls.gateway, DEMO.tenant, DEMO.source);
  await seedDataset(urls['upstream-sim'], DEMO_STOCK.dataset, DEMO_STOCK.count);
  // One page of 1,000 for the first sync, then only what changed (`updated_since`).
  await registerSource(urls, DEMO_STOCK.tenant, DEMO_STOCK.source, DEMO_STOCK.dataset, {
    displayName: 'Stock',
    connector: { type: 'rest-updated-since', pageSize: 1000 },
  });
  await requestRefresh(urls.gateway, DEMO_STOCK.tenant, DEMO_STOCK.source);
}
