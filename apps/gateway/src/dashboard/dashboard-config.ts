// Where the built dashboard lives (apps/dashboard → dist/apps/dashboard), as a zod shape
// fragment of the gateway's config. Unset (the default): the gateway serves no page at all.
import { z } from 'zod';

export const dashboardEnv = {
  /** A directory holding the built dashboard (its index.html and assets/); unset = no dashboard. */
  GATEWAY_DASHBOARD_DIR: z.string().optional(),
};
