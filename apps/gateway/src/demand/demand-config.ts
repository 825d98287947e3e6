// The demand signal's environment variables, as a zod shape to spread into the gateway's
// config schema (`...demandEnv`), plus the one rule across them (`.superRefine(demandConfigRule)`).
import { hostname } from 'node:os';
import { z } from 'zod';

const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");

/** `<hostname>-<pid>` made a valid key token (a hostname may hold dots). */
export function defaultGatewayInstanceId(host = hostname(), pid = process.pid): string {
  const safeHost = host.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'gateway';
  return `${safeHost}-${pid}`;
}

export const demandEnv = {
  /**
   * Max age of the demand bucket (set when a gateway creates it): how long a key outlives a
   * gateway that died without deleting it, so how long the scheduler may still treat its
   * sources as watched.
   */
  GATEWAY_DEMAND_TTL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** How often a watched source's key is written again; at most half the TTL. */
  GATEWAY_DEMAND_REFRESH_MS: z.coerce.number().int().min(100).default(20_000),
  /** Names this replica in its demand keys (and logs); unique per running gateway. */
  GATEWAY_INSTANCE_ID: token.default(defaultGatewayInstanceId()),
};

/** A key must survive one missed refresh: the refresh interval is at most half the TTL. */
export function demandConfigRule(config: { GATEWAY_DEMAND_TTL_MS: number; GATEWAY_DEMAND_REFRESH_MS: number }, ctx: z.RefinementCtx): void {
  if (config.GATEWAY_DEMAND_REFRESH_MS * 2 > config.GATEWAY_DEMAND_TTL_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['GATEWAY_DEMAND_REFRESH_MS'],
      message: `must be at most half of GATEWAY_DEMAND_TTL_MS (${config.GATEWAY_DEMAND_TTL_MS}), so a key survives one missed refresh`,
    });
  }
}
