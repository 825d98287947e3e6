// `npm start`: checks (and where it can, starts) Postgres, Redis and NATS, builds the
// dashboard (or reuses a fresh build), starts every app, seeds the demo tenant and its
// sources, prints how to watch it work. Ctrl-C stops all.
import { ensureDashboardBuild } from './dashboard-build';
import { seedDemo, DEMO, DEMO_STOCK } from './demo-seed';
import { devGatewayAuthEnv, devToken } from './dev-token';
import { ensureServices } from './ensure-services';
import { DEFAULT_SERVICE_URLS } from './service-probes';
import { DEV_PORTS, launchStack } from './stack';

const env = process.env;
const services = {
  postgres: env['DATABASE_URL'] ?? DEFAULT_SERVICE_URLS.postgres,
  redis: env['REDIS_URL'] ?? DEFAULT_SERVICE_URLS.redis,
  nats: env['NATS_URL'] ?? DEFAULT_SERVICE_URLS.nats,
};

/** The dashboard is a convenience: a failed build is reported and the API still starts. */
async function dashboard(): Promise<string | undefined> {
  try {
    return (await ensureDashboardBuild()).dir;
  } catch (error) {
    console.warn(`dashboard not served: ${(error as Error).message}`);
    return undefined;
  }
}

try {
  await ensureServices(services);
  const dashboardDir = await dashboard();
  const stack = await launchStack({
    ports: DEV_PORTS,
    services,
    output: 'inherit',
    logLevel: env['LOG_LEVEL'] ?? 'info',
    names: {
      subjectPrefix: 'freshet',
      eventsStream: 'FRESHET_EVENTS',
      commandsStream: 'FRESHET_SYNC_COMMANDS',
      databaseSchema: 'freshet',
      redisKeyPrefix: 'freshet:',
    },
    ...(dashboardDir ? { dashboardDir } : {}),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping Freshet…');
    stack.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await seedDemo(stack.urls);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  const gw = stack.urls.gateway;
  const sim = stack.urls['upstream-sim'];
  // Only when the gateway runs with the development secret can this token work.
  const token = devGatewayAuthEnv(env).GATEWAY_JWT_SECRET ? await devToken({ tenant: DEMO.tenant, ttl: '12h' }) : undefined;
  const auth = token ? ` -H "authorization: Bearer $FRESHET_TOKEN"` : '';
  // The token rides in the fragment: the browser never sends it, the page drops it at once.
  const dashboardLine = dashboardDir ? `\n Dashboard: ${gw}/${token ? `#token=${token}` : ''}\n` : '';
  console.log(`
──────────────────────────────────────────────────────────────────────
 Freshet is up.   Gateway: ${gw}
${dashboardLine}${
  token
    ? `
 Development token (tenant ${DEMO.tenant}, all scopes, 12 h; signed with the dev-only secret):
   export FRESHET_TOKEN=${token}
`
    : ''
}
 Demo sources: ${DEMO.source} (120 items), ${DEMO_STOCK.source} (${DEMO_STOCK.count.toLocaleString('en')} items).
 Watch one live:
   curl -N${auth} ${gw}/v1/tenants/${DEMO.tenant}/sources/${DEMO.source}/events

 Change the upstream, then ask for a sync:
   curl -X POST ${sim}/admin/datasets/${DEMO.dataset}/items -H 'content-type: application/json' -d '{"name":"Fresh item"}'
   curl -X POST${auth} ${gw}/v1/tenants/${DEMO.tenant}/sources/${DEMO.source}/refresh

 Health: ${gw}/readyz   Metrics: ${gw}/metrics   Ctrl-C stops everything.
──────────────────────────────────────────────────────────────────────
`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
