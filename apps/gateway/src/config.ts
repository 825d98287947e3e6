// The gateway's configuration, parsed once at start.
import { z } from 'zod';
import { httpEnv, loadConfig, natsEnv, portEnv } from '@freshet/config';

export const gatewayConfigSchema = z.object({
  ...httpEnv,
  ...portEnv(4000),
  ...natsEnv,
  /** Comment line sent on idle streams so proxies do not close them. */
  GATEWAY_HEARTBEAT_MS: z.coerce.number().int().min(1_000).default(15_000),
  /** How long to wait for another service's internal API before answering 503. */
  GATEWAY_RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env?: Record<string, string | undefined>): Readonly<GatewayConfig> {
  return loadConfig('gateway', gatewayConfigSchema, env);
}
