// Who is calling: the result of authenticating a request (a JWT, an API key, a session
// cookie holding a JWT, or a single-use stream ticket). Every route decides on it alone.
import { z } from 'zod';

/**
 * What a caller may do, within its own tenant only:
 * - `sources:read`    stream a source or the whole tenant, load snapshots and history;
 * - `sources:refresh` ask for a refresh of a source;
 * - `admin:read`      the tenant's admin overview and its live channel;
 * - `admin:write`     admin actions (retry a dead job).
 */
export const SCOPES = ['sources:read', 'sources:refresh', 'admin:read', 'admin:write'] as const;
export const scopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof scopeSchema>;

export type CredentialKind = 'jwt' | 'api-key' | 'cookie' | 'ticket';

export interface Principal {
  /** The caller (JWT `sub`, or the API key's id). */
  subject: string;
  tenant: string;
  scopes: ReadonlySet<Scope>;
  /** When the credential stops being valid (epoch ms); a stream opened with it is closed then. */
  expiresAt?: number;
  kind: CredentialKind;
  /**
   * Stable id of the credential (never the secret): JWT `jti` or a hash of the token,
   * the API key's id. Connection limits per token count by it.
   */
  credentialId: string;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope);
}
