// The API keys the gateway accepts: read once at start from GATEWAY_API_KEYS_FILE, a JSON
// array of { id, tenant, scopes, sha256 } (what `tools/dev/api-key.ts` prints). The whole
// file is validated before it is used; errors name the file, the entry and the field.
// Unlike JWT scopes, an unknown scope here is an operator's typo and refused.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { tenantIdSchema } from '@freshet/contracts';
import { apiKeySecretMatches, API_KEY_ID_PATTERN, parseApiKey, SHA256_HEX_PATTERN } from './api-key';
import { invalidCredential } from './auth-problem';
import { scopeSchema, type Principal, type Scope } from './principal';

export class ApiKeysFileError extends Error {
  readonly code = 'INVALID_API_KEYS_FILE';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} (GATEWAY_API_KEYS_FILE): invalid API keys file:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ApiKeysFileError';
  }
}

const apiKeyEntrySchema = z
  .object({
    id: z.string().regex(API_KEY_ID_PATTERN, 'must be 1-32 characters of a-z or 0-9'),
    tenant: tenantIdSchema,
    scopes: z.array(scopeSchema),
    sha256: z
      .string()
      .transform((hash) => hash.toLowerCase())
      .pipe(z.string().regex(SHA256_HEX_PATTERN, 'must be the 64 hex digits of sha256(secret)')),
  })
  .strict();

export type ApiKeyEntry = z.infer<typeof apiKeyEntrySchema>;

const apiKeysFileSchema = z.array(apiKeyEntrySchema).superRefine((entries, ctx) => {
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const first = seen.get(entry.id);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `id ${entry.id} is also used by entry [${first}]` });
    else seen.set(entry.id, index);
  });
});

/** `[2] (id "ci").scopes[0]` — which entry, and which field of it. */
function describeIssue(document: unknown, path: PropertyKey[]): string {
  const [index, ...rest] = path;
  if (typeof index !== 'number') return '(root)';
  const entry = Array.isArray(document) ? (document[index] as { id?: unknown } | undefined) : undefined;
  const id = typeof entry?.id === 'string' ? ` (id ${JSON.stringify(entry.id)})` : '';
  const field = rest.reduce<string>((out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : `${out}.${String(segment)}`), '');
  return `[${index}]${id}${field}`;
}

export function parseApiKeysDocument(file: string, text: string): ApiKeyEntry[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ApiKeysFileError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  const result = apiKeysFileSchema.safeParse(document);
  if (!result.success) throw new ApiKeysFileError(file, result.error.issues.map((issue) => `${describeIssue(document, issue.path)}: ${issue.message}`));
  return result.data;
}

export async function readApiKeysFile(file: string): Promise<ApiKeyEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ApiKeysFileError(file, [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parseApiKeysDocument(file, text);
}

export interface ApiKeyStore {
  readonly size: number;
  /** The Principal of a valid key (kind `api-key`, no expiry); a 401 AuthProblem otherwise. */
  authenticate(key: string): Principal;
}

// Compared against when the id is unknown, so an unknown id costs the same as a wrong secret.
const NO_SUCH_KEY_HASH = createHash('sha256').update('no such key').digest('hex');

export function createApiKeyStore(entries: readonly ApiKeyEntry[]): ApiKeyStore {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  return {
    size: byId.size,
    authenticate(key) {
      const parsed = parseApiKey(key);
      if (!parsed) throw invalidCredential('MALFORMED_API_KEY', 'API keys look like fsk_<id>_<secret>');
      const entry = byId.get(parsed.id);
      const matches = apiKeySecretMatches(parsed.secret, entry?.sha256 ?? NO_SUCH_KEY_HASH);
      // One answer for an unknown id and a wrong secret: which ids exist is not the caller's business.
      if (!entry || !matches) throw invalidCredential('INVALID_API_KEY', 'the API key is not valid (unknown or revoked)');
      return { subject: entry.id, tenant: entry.tenant, scopes: new Set<Scope>(entry.scopes), kind: 'api-key', credentialId: entry.id };
    },
  };
}
