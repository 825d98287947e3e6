// A token is one dot-free segment of a NATS subject. Tenants and sources become
// subject tokens, so they must never contain '.', '*', '>' or whitespace, which would
// change the subject's meaning (a tenant named "a.*" would subscribe to everyone).
import { z } from 'zod';
import { InvalidSubjectTokenError } from './errors';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const tokenSchema = z
  .string()
  .regex(TOKEN_PATTERN, "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");

export const tenantIdSchema = tokenSchema.describe('tenant id');
/** The source token of an event: a source id, or a reserved one such as `_tenant` for tenant-wide events. */
export const eventSourceSchema = tokenSchema.describe('event source');
/** Source ids starting with '_' are reserved for tenant-wide events (e.g. `_tenant`). */
export const sourceIdSchema = tokenSchema.refine((id) => !id.startsWith('_'), "must not start with '_' (reserved)").describe('source id');
export type TenantId = z.infer<typeof tenantIdSchema>;
export type SourceId = z.infer<typeof sourceIdSchema>;

export function isValidToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** Returns the value if it is a valid subject token, otherwise throws naming the field. */
export function assertToken(field: string, value: string): string {
  if (!isValidToken(value)) throw new InvalidSubjectTokenError(field, value);
  return value;
}
