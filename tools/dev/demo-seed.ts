// Registers the demo tenant's source (upstream-sim's "demo" dataset) with ingest and
// asks the gateway for a first sync, the way an operator and a user would.
import { devToken } from './dev-token';
import type { AppName } from './stack';

export const DEMO = { tenant: 'demo', source: 'products', dataset: 'demo' } as const;

async function expectOk(response: Response, what: string): Promise<unknown> {
  if (!response.ok) throw new Error(`${what} failed: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function registerSource(
  urls: Record<AppName, string>,
  tenant: string,
  source: string,
  dataset: string,
): Promise<void> {
  await expectOk(
    await fetch(`${urls.ingest}/internal/v1/sources/${tenant}/${source}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        displayName: `${dataset} items`,
        connector: { type: 'http-paged-list', baseUrl: urls['upstream-sim'], path: `/v1/datasets/${dataset}/items` },
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

export async function seedDemo(urls: Record<AppName, string>): Promise<void> {
  await registerSource(urls, DEMO.tenant, DEMO.source, DEMO.dataset);
  await requestRefresh(urls.gateway, DEMO.tenant, DEMO.source);
}
