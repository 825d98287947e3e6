import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError } from '../connector-errors';
import { MissingSecretError, resolveSecret } from './secrets';

const VALUE = 'sk_live_do-not-print-me';

async function missing(run: () => Promise<unknown>): Promise<MissingSecretError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MissingSecretError);
  return error as MissingSecretError;
}

describe('resolveSecret', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads an environment variable from the given env', async () => {
    await expect(resolveSecret({ env: 'API_KEY' }, { env: { API_KEY: VALUE } })).resolves.toBe(VALUE);
  });

  it('reads process.env when no env is given', async () => {
    vi.stubEnv('FRESHET_TEST_SECRET_X', VALUE);
    await expect(resolveSecret({ env: 'FRESHET_TEST_SECRET_X' }, {})).resolves.toBe(VALUE);
  });

  it('asks the resolver for a secretRef', async () => {
    const asked: string[] = [];
    const resolveRef = async (ref: string) => {
      asked.push(ref);
      return ref === 'vault/upstream/key' ? VALUE : undefined;
    };
    await expect(resolveSecret({ secretRef: 'vault/upstream/key' }, { resolveRef })).resolves.toBe(VALUE);
    expect(asked).toEqual(['vault/upstream/key']);
  });

  it('fails with MissingSecretError naming the variable when it is unset or empty', async () => {
    for (const env of [{}, { API_KEY: '' }, { API_KEY: undefined }]) {
      const error = await missing(() => resolveSecret({ env: 'API_KEY' }, { env }));
      expect(error.message).toBe('credential from environment variable API_KEY is not available');
      expect(error.code).toBe('MISSING_SECRET');
      expect(error.retryable).toBe(false);
      expect(error).toBeInstanceOf(ConnectorError);
    }
  });

  it('fails with MissingSecretError naming the reference when the resolver has nothing, or there is no resolver', async () => {
    for (const sources of [{}, { resolveRef: async () => undefined }, { resolveRef: async () => '' }]) {
      const error = await missing(() => resolveSecret({ secretRef: 'vault/upstream/key' }, sources));
      expect(error.message).toBe('credential secret reference "vault/upstream/key" is not available');
    }
  });

  it('never puts a value in the error, even when other secrets are at hand', async () => {
    const error = await missing(() => resolveSecret({ env: 'OTHER_KEY' }, { env: { API_KEY: VALUE } }));
    expect(error.message).not.toContain(VALUE);
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(VALUE);
  });
});
