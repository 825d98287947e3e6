// The gateway's configuration, parsed once at start: its own fragments (access, streams,
// REST policies, demand signal, dashboard) merged into one schema, checked across variables.
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv } from '@freshet/config';
import { checkGatewayAuthEnv, gatewayAuthEnv } from './auth/auth-config';
import { dashboardEnv } from './dashboard/dashboard-config';
import { demandConfigRule, demandEnv } from './demand/demand-config';
import { restEnv } from './rest/rest-config';
import { streamConfigShape } from './stream/stream-config';

export const gatewayConfigSchema = z
  .object({
    ...httpEnv,
    ...portEnv(4000),
    ...natsEnv,
    /** How long to wait for another service's internal API before answering 503. */
    GATEWAY_RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
    ...streamConfigShape,
    ...gatewayAuthEnv,
    ...restEnv,
    ...demandEnv,
    ...dashboardEnv,
  })
  .superRefine((config, ctx) => {
    checkGatewayAuthEnv(config, ctx as z.RefinementCtx<typeof config>);
    demandConfigRule(config, ctx);
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env?: Record<string, string | undefined>): Readonly<GatewayConfig> {
  return loadConfig('gateway', gatewayConfigSchema, env);
}
