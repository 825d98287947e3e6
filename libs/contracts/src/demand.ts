// The demand signal (decision 0011): which sources have live subscribers right now.
// Each gateway keeps one key per source it streams in a NATS KV bucket, refreshed while
// a stream is open and deleted when the last one closes; the bucket's max age removes the
// keys of a gateway that died. The scheduler's scan reads the keys: a source with any key
// is watched and kept within its `watchedMinAgeMs` instead of its `minAgeMs`.
//   bucket: <prefix>_demand   key: <tenant>.<source>.<gatewayInstanceId>
import { z } from 'zod';
import { ContractError } from './errors';
import { assertToken, isValidToken, sourceIdSchema, tenantIdSchema } from './tokens';

/** Used when a definition sets no `watchedMinAgeMs` (capped at its `minAgeMs`). */
export const DEFAULT_WATCHED_MIN_AGE_MS = 60_000;

/** A demand key or bucket name that cannot be built from these parts. */
export class InvalidDemandKeyError extends ContractError {
  constructor(
    readonly field: string,
    readonly value: string,
    reason: string,
  ) {
    super('INVALID_DEMAND_KEY', `${field} ${JSON.stringify(value)} cannot be part of a demand key: ${reason}`);
  }
}

/** The KV bucket of the demand signal for a subject prefix (KV bucket names allow A-Z, a-z, 0-9, '_' and '-'). */
export function demandBucketName(prefix: string): string {
  return `${assertToken('prefix', prefix)}_demand`;
}

export interface DemandKeyParts {
  tenant: string;
  source: string;
  /** The gateway replica holding the key: one key per gateway and source. */
  instanceId: string;
}

function checkPart(field: keyof DemandKeyParts, value: string): string {
  if (!isValidToken(value)) throw new InvalidDemandKeyError(field, value, "use 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
  if (field === 'source' && value.startsWith('_')) throw new InvalidDemandKeyError(field, value, "source ids starting with '_' are reserved");
  return value;
}

/** `<tenant>.<source>.<instanceId>`; every part must be a subject token (KV keys are subjects). */
export function demandKey(parts: DemandKeyParts): string {
  return `${checkPart('tenant', parts.tenant)}.${checkPart('source', parts.source)}.${checkPart('instanceId', parts.instanceId)}`;
}

/** The parts of a demand key, or undefined when the key is not one (another writer's key is ignored, not an error). */
export function parseDemandKey(key: string): DemandKeyParts | undefined {
  const tokens = key.split('.');
  if (tokens.length !== 3) return undefined;
  const [tenant, source, instanceId] = tokens as [string, string, string];
  if (!isValidToken(tenant) || !isValidToken(source) || source.startsWith('_') || !isValidToken(instanceId)) return undefined;
  return { tenant, source, instanceId };
}

/** The value of a demand key: for people reading the bucket; the scheduler only needs the key. */
export const demandValueSchema = z
  .object({
    tenant: tenantIdSchema,
    source: sourceIdSchema,
    /** Streams open on the source on this gateway when the key was written. */
    streams: z.number().int().positive(),
    /** When the first of them opened. */
    since: z.iso.datetime({ offset: true }),
  })
  .strict();
export type DemandValue = z.infer<typeof demandValueSchema>;

interface WatchedMinAgeFields {
  minAgeMs: number;
  watchedMinAgeMs?: number | undefined;
}

/** How old a watched source may get before the scan syncs it: never more than its minAgeMs. */
export function effectiveWatchedMinAgeMs(source: WatchedMinAgeFields): number {
  return Math.min(source.watchedMinAgeMs ?? DEFAULT_WATCHED_MIN_AGE_MS, source.minAgeMs);
}

/**
 * The source definition's cross-field rule, for `.superRefine(watchedMinAgeRule)`.
 * Not attached to `sourceDefinitionSchema` itself: zod 4 refuses `.omit()`/`.pick()` on a
 * refined object, and ingest derives its route body schema with `.omit()`. Apply it where
 * definitions come in (after any omit); the scheduler caps the value anyway.
 */
export function watchedMinAgeRule(definition: WatchedMinAgeFields, ctx: z.RefinementCtx): void {
  const { watchedMinAgeMs, minAgeMs } = definition;
  if (watchedMinAgeMs !== undefined && watchedMinAgeMs > minAgeMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['watchedMinAgeMs'],
      message: `must not be more than minAgeMs (${minAgeMs}): a source with live subscribers is kept at least as fresh as one without (got ${watchedMinAgeMs})`,
    });
  }
}
