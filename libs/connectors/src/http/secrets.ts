// Resolves a secret reference to its value at request time. The value lives only in
// memory for the request; errors name the reference, never the value.
import type { SecretReference } from '@freshet/contracts';
import { ConnectorError } from '../connector-errors';

export type SecretRefResolver = (ref: string) => Promise<string | undefined>;

export interface SecretSources {
  env?: Record<string, string | undefined>;
  resolveRef?: SecretRefResolver;
}

export class MissingSecretError extends ConnectorError {
  constructor(description: string) {
    super('MISSING_SECRET', `credential ${description} is not available`, false);
  }
}

export async function resolveSecret(reference: SecretReference, sources: SecretSources): Promise<string> {
  if ('env' in reference) {
    const value = (sources.env ?? process.env)[reference.env];
    if (!value) throw new MissingSecretError(`from environment variable ${reference.env}`);
    return value;
  }
  const value = await sources.resolveRef?.(reference.secretRef);
  if (!value) throw new MissingSecretError(`secret reference ${JSON.stringify(reference.secretRef)}`);
  return value;
}
