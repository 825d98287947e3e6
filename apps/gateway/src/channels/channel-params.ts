// Path parameters naming a channel (a tenant's source), validated once for every route.
import { z } from 'zod';
import { sourceIdSchema, tenantIdSchema } from '@freshet/contracts';

export const channelParamsSchema = z.object({ tenant: tenantIdSchema, source: sourceIdSchema });
export type ChannelParams = z.infer<typeof channelParamsSchema>;
