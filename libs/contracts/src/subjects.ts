// Every NATS subject Freshet uses is built and parsed here, and nowhere else.
//   events:   <prefix>.evt.<tenant>.<source>.<family>.<action>
//   commands: <prefix>.cmd.sync.<tier>
//   rpc:      <prefix>.rpc.<service>.<method>
// The prefix comes from config so concurrent test runs on one server never collide.
import { InvalidSubjectError } from './errors';
import { assertToken, isValidToken } from './tokens';
import type { FreshetEventType } from './events/freshet-event';
import { PRIORITY_TIERS, type PriorityTier } from './commands/sync-command';

export const EVENT_FAMILIES = {
  content: ['created', 'updated', 'deleted'],
  job: ['queued', 'started', 'progress', 'completed', 'failed', 'dead'],
  cache: ['written', 'expired', 'cleared'],
  source: ['status'],
  metrics: ['updated'],
} as const satisfies Record<string, readonly string[]>;
export type EventFamily = keyof typeof EVENT_FAMILIES;

export interface EventSubjectParts {
  tenant: string;
  source: string;
  family: EventFamily;
  action: string;
}

function isFamily(value: string): value is EventFamily {
  return Object.hasOwn(EVENT_FAMILIES, value);
}

export function eventSubject(prefix: string, parts: EventSubjectParts): string {
  assertToken('prefix', prefix);
  assertToken('tenant', parts.tenant);
  assertToken('source', parts.source);
  assertToken('family', parts.family);
  assertToken('action', parts.action);
  return `${prefix}.evt.${parts.tenant}.${parts.source}.${parts.family}.${parts.action}`;
}

/** The subject an event of `type` about tenant/source is published on. */
export function subjectForEvent(
  prefix: string,
  event: { tenant: string; source: string; type: FreshetEventType },
): string {
  const [family, action] = event.type.split('.') as [EventFamily, string];
  return eventSubject(prefix, { tenant: event.tenant, source: event.source, family, action });
}

export function parseEventSubject(prefix: string, subject: string): EventSubjectParts {
  const tokens = subject.split('.');
  if (tokens.length !== 6) throw new InvalidSubjectError(subject, `expected 6 tokens, got ${tokens.length}`);
  const [p, kind, tenant, source, family, action] = tokens as [string, string, string, string, string, string];
  if (p !== prefix) throw new InvalidSubjectError(subject, `prefix is not ${JSON.stringify(prefix)}`);
  if (kind !== 'evt') throw new InvalidSubjectError(subject, 'not an event subject');
  for (const [field, value] of [['tenant', tenant], ['source', source], ['action', action]] as const) {
    if (!isValidToken(value)) throw new InvalidSubjectError(subject, `${field} token ${JSON.stringify(value)} is invalid`);
  }
  if (!isFamily(family)) throw new InvalidSubjectError(subject, `unknown event family ${JSON.stringify(family)}`);
  if (!(EVENT_FAMILIES[family] as readonly string[]).includes(action)) {
    throw new InvalidSubjectError(subject, `unknown action ${JSON.stringify(action)} for family ${family}`);
  }
  return { tenant, source, family, action };
}

/** Filter for a channel: a whole tenant, or one source of it, optionally one family. */
export function eventFilter(prefix: string, channel: { tenant?: string; source?: string; family?: EventFamily }): string {
  assertToken('prefix', prefix);
  const tenant = channel.tenant === undefined ? '*' : assertToken('tenant', channel.tenant);
  const source = channel.source === undefined ? '*' : assertToken('source', channel.source);
  const family = channel.family === undefined ? '*' : assertToken('family', channel.family);
  return `${prefix}.evt.${tenant}.${source}.${family}.*`;
}

/** Every event subject under the prefix: what the events stream captures. */
export function allEventsSubject(prefix: string): string {
  return `${assertToken('prefix', prefix)}.evt.>`;
}

export function syncCommandSubject(prefix: string, tier: PriorityTier): string {
  assertToken('prefix', prefix);
  if (!PRIORITY_TIERS.includes(tier)) throw new InvalidSubjectError(String(tier), 'unknown priority tier');
  return `${prefix}.cmd.sync.${tier}`;
}

/** Every sync command subject: what the command work-queue stream captures. */
export function allSyncCommandsSubject(prefix: string): string {
  return `${assertToken('prefix', prefix)}.cmd.sync.>`;
}

export function parseSyncCommandSubject(prefix: string, subject: string): PriorityTier {
  const tokens = subject.split('.');
  const tier = tokens[3] as PriorityTier;
  if (tokens.length !== 4 || tokens[0] !== prefix || tokens[1] !== 'cmd' || tokens[2] !== 'sync' || !PRIORITY_TIERS.includes(tier)) {
    throw new InvalidSubjectError(subject, `expected ${prefix}.cmd.sync.<${PRIORITY_TIERS.join('|')}>`);
  }
  return tier;
}

/** Request/reply subject of a service's internal API, e.g. <prefix>.rpc.ingest.get-source. */
export function rpcSubject(prefix: string, service: string, method: string): string {
  return `${assertToken('prefix', prefix)}.rpc.${assertToken('service', service)}.${assertToken('method', method)}`;
}
