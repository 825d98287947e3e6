// The union of every event Freshet emits, discriminated by `type`.
import { z } from 'zod';
import { contentCreatedSchema, contentDeletedSchema, contentUpdatedSchema } from './content-events';
import { jobCompletedSchema, jobDeadSchema, jobFailedSchema, jobQueuedSchema, jobStartedSchema } from './job-events';
import { sourceStatusSchema } from './source-events';
import { cacheClearedSchema, cacheExpiredSchema, cacheWrittenSchema } from './cache-events';
import { metricsUpdatedSchema } from './metrics-events';

export const freshetEventSchema = z.discriminatedUnion('type', [
  contentCreatedSchema,
  contentUpdatedSchema,
  contentDeletedSchema,
  jobQueuedSchema,
  jobStartedSchema,
  jobCompletedSchema,
  jobFailedSchema,
  jobDeadSchema,
  sourceStatusSchema,
  cacheWrittenSchema,
  cacheClearedSchema,
  cacheExpiredSchema,
  metricsUpdatedSchema,
]);

export type FreshetEvent = z.infer<typeof freshetEventSchema>;
export type FreshetEventType = FreshetEvent['type'];
export type EventOfType<T extends FreshetEventType> = Extract<FreshetEvent, { type: T }>;

export const EVENT_TYPES = freshetEventSchema.options.map((o) => o.shape.type.value) as FreshetEventType[];

/** An event before it has an id and time: what domain code decides. */
export type NewEvent<E extends FreshetEvent = FreshetEvent> = E extends FreshetEvent
  ? Omit<E, 'id' | 'time'> & Partial<Pick<E, 'id' | 'time'>>
  : never;

/** Splits `content.created` into its subject family and action. */
export function splitEventType(type: FreshetEventType): { family: string; action: string } {
  const [family, action] = type.split('.') as [string, string];
  return { family, action };
}
