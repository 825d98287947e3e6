// `npm start`: checks (and where it can, starts) Postgres, Redis and NATS, starts every
// app, seeds the demo tenant and source, prints how to watch it work. Ctrl-C stops all.
import { seedDemo, DEMO } from './demo-seed';
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

try {
  await ensureServices(services);
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
  console.log(`
──────────────────────────────────────────────────────────────────────
 Freshet is up.   Gateway: ${gw}
${
  token
    ? `
 Development token (tenant ${DEMO.tenant}, all scopes, 12 h; signed with the dev-only secret):
   export FRESHET_TOKEN=${token}
`
    : ''
}
 Watch the demo source live:
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
