// What a stream subscribes to. One SSE connection carries any number of channels of one
// tenant: a source, the whole tenant (every source), or the tenant's admin overview (job,
// source status, cache and metrics events of every source). Channels are named in the
// query string: `?channel=source:orders&channel=tenant&channel=admin`.
import { z } from 'zod';
import { sourceIdSchema, type FreshetEvent } from '@freshet/contracts';
import { HttpProblem } from '@freshet/telemetry';
import { hasScope, type Principal, type Scope } from '../auth/principal';

export type Channel = { kind: 'source'; tenant: string; source: string } | { kind: 'tenant'; tenant: string } | { kind: 'admin'; tenant: string };

export const MAX_CHANNELS_PER_STREAM = 50;

/** The event types the admin channel carries (what the overview is updated from). */
export function isAdminEvent(type: string): boolean {
  return type.startsWith('job.') || type === 'source.status' || type.startsWith('cache.') || type === 'metrics.updated';
}

export function channelKey(channel: Channel): string {
  return channel.kind === 'source' ? `source:${channel.source}` : channel.kind;
}

/** Parses `channel` query values of a tenant's stream; duplicates collapse. 400 for anything else. */
export function parseChannels(tenant: string, values: readonly string[]): Channel[] {
  if (values.length === 0) throw new HttpProblem(400, 'NO_CHANNEL', 'name at least one channel: channel=source:<id>, channel=tenant or channel=admin');
  const byKey = new Map<string, Channel>();
  for (const value of values) {
    let channel: Channel;
    if (value === 'tenant') channel = { kind: 'tenant', tenant };
    else if (value === 'admin') channel = { kind: 'admin', tenant };
    else if (value.startsWith('source:')) {
      const source = sourceIdSchema.safeParse(value.slice('source:'.length));
      if (!source.success) throw new HttpProblem(400, 'BAD_CHANNEL', `channel ${JSON.stringify(value)}: ${source.error.issues[0]?.message ?? 'bad source id'}`);
      channel = { kind: 'source', tenant, source: source.data };
    } else throw new HttpProblem(400, 'BAD_CHANNEL', `channel ${JSON.stringify(value)} is not source:<id>, tenant or admin`);
    byKey.set(channelKey(channel), channel);
  }
  if (byKey.size > MAX_CHANNELS_PER_STREAM) throw new HttpProblem(400, 'TOO_MANY_CHANNELS', `at most ${MAX_CHANNELS_PER_STREAM} channels per stream`);
  return [...byKey.values()];
}

export const channelQuerySchema = z.object({ channel: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])) });

export function requiredScope(channel: Channel): Scope {
  return channel.kind === 'admin' ? 'admin:read' : 'sources:read';
}

/** 403 unless every channel is in the caller's tenant and scopes. */
export function authorizeChannels(principal: Principal, channels: readonly Channel[]): void {
  for (const channel of channels) {
    if (channel.tenant !== principal.tenant) {
      throw new HttpProblem(403, 'FOREIGN_TENANT', `this credential is for tenant ${principal.tenant}, not ${channel.tenant}`);
    }
    const scope = requiredScope(channel);
    if (!hasScope(principal, scope)) throw new HttpProblem(403, 'MISSING_SCOPE', `channel ${channelKey(channel)} needs scope ${scope}`);
  }
}

/** Whether an event belongs on a channel (the tenant already matched by subject). */
export function channelCarries(channel: Channel, event: Pick<FreshetEvent, 'tenant' | 'source' | 'type'>): boolean {
  if (event.tenant !== channel.tenant) return false;
  switch (channel.kind) {
    case 'source':
      return event.source === channel.source;
    case 'tenant':
      return event.type !== 'metrics.updated';
    case 'admin':
      return isAdminEvent(event.type);
  }
}
