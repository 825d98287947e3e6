// Prints a new gateway API key and the entry for GATEWAY_API_KEYS_FILE:
//   tsx tools/dev/api-key.ts <id> <tenant> <scope>...
// The key (`fsk_<id>_<secret>`, 256 random bits) is shown once; the file stores only
// sha256(secret). The format is the gateway's (apps/gateway/src/auth/api-key.ts), repeated
// because tools may not import an app; both sides test the same known key.
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { GATEWAY_SCOPES } from './dev-token';

export interface ApiKeyEntry {
  id: string;
  tenant: string;
  scopes: string[];
  sha256: string;
}

const ID_PATTERN = /^[a-z0-9]{1,32}$/;
const TENANT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A new key and its file entry. `random` is for tests: 32 bytes that become the secret. */
export function generateApiKey(id: string, tenant: string, scopes: readonly string[], random: Buffer = randomBytes(32)): { key: string; entry: ApiKeyEntry } {
  if (!ID_PATTERN.test(id)) throw new Error(`id ${JSON.stringify(id)} must be 1-32 characters of a-z or 0-9`);
  if (!TENANT_PATTERN.test(tenant)) throw new Error(`tenant ${JSON.stringify(tenant)} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'`);
  const unknown = scopes.filter((scope) => !(GATEWAY_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) throw new Error(`unknown scope ${unknown.join(', ')}; the scopes are ${GATEWAY_SCOPES.join(', ')}`);
  if (random.length < 32) throw new Error('the secret needs at least 32 random bytes');
  const secret = random.toString('base64url');
  return {
    key: `fsk_${id}_${secret}`,
    entry: { id, tenant, scopes: [...new Set(scopes)], sha256: createHash('sha256').update(secret, 'utf8').digest('hex') },
  };
}

function main(args: string[]): void {
  const [id, tenant, ...scopes] = args;
  if (!id || !tenant || scopes.length === 0) {
    console.error(`usage: tsx tools/dev/api-key.ts <id> <tenant> <scope>...\n  scopes: ${GATEWAY_SCOPES.join(' ')}`);
    process.exit(2);
  }
  try {
    const { key, entry } = generateApiKey(id, tenant, scopes);
    console.log(`API key (shown once; give it to the client, store it as a secret):\n  ${key}\n`);
    console.log(`Add to the GATEWAY_API_KEYS_FILE array:\n  ${JSON.stringify(entry)}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
