import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRedactor, redactError, resolveConnectionUrl } from './connection-url';
import { MissingSecretError } from '../http/secrets';
import { SqlConnectionConfigError } from './sql-errors';

const SECRET_URL = 'postgres://reader:p%40ss-W0rd!@db.internal:5432/factory';

describe('resolveConnectionUrl', () => {
  it('reads the URL from the named environment variable', async () => {
    const url = await resolveConnectionUrl({ dialect: 'postgres', connection: { urlFromEnv: 'FACTORY_DB' } }, { env: { FACTORY_DB: SECRET_URL } });
    expect(url).toBe(SECRET_URL);
  });

  it('resolves a secret reference through the caller’s resolver', async () => {
    const seen: string[] = [];
    const url = await resolveConnectionUrl(
      { dialect: 'mysql', connection: { secretRef: 'vault:factory/db' } },
      { resolveSecret: async (ref) => (seen.push(ref), 'mysql://r:x@h/db') },
    );
    expect(url).toBe('mysql://r:x@h/db');
    expect(seen).toEqual(['vault:factory/db']);
  });

  it('names the missing variable, permanently', async () => {
    const error = await resolveConnectionUrl({ dialect: 'postgres', connection: { urlFromEnv: 'FACTORY_DB' } }, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingSecretError);
    expect(error).toMatchObject({ code: 'MISSING_SECRET', retryable: false });
    expect((error as Error).message).toBe('credential from environment variable FACTORY_DB is not available');
  });

  it('refuses a URL of another dialect without printing it', async () => {
    const error = (await resolveConnectionUrl({ dialect: 'mysql', connection: { urlFromEnv: 'DB' } }, { env: { DB: SECRET_URL } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe('the connection URL in environment variable DB is not a mysql:// or mariadb:// URL (dialect mysql)');
    const garbage = (await resolveConnectionUrl({ dialect: 'postgres', connection: { urlFromEnv: 'DB' } }, { env: { DB: 'p%40ss-W0rd! not a url' } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(inspect(garbage)).not.toContain('W0rd');
  });

  it('reports a failing or missing resolver without repeating its message', async () => {
    const failing = (await resolveConnectionUrl(
      { dialect: 'postgres', connection: { secretRef: 'vault:x' } },
      { resolveSecret: () => Promise.reject(new Error('vault sealed')) },
    ).catch((e: unknown) => e)) as SqlConnectionConfigError;
    expect(failing).toBeInstanceOf(SqlConnectionConfigError);
    expect(failing).toMatchObject({ code: 'SQL_CONNECTION_INVALID', retryable: true, message: 'could not resolve secret "vault:x"' });
    const missing = await resolveConnectionUrl({ dialect: 'postgres', connection: { secretRef: 'vault:x' } }, {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MissingSecretError);
    expect(missing).toMatchObject({ code: 'MISSING_SECRET', retryable: false, message: 'credential secret reference "vault:x" is not available' });
  });
});

describe('createRedactor', () => {
  const redact = createRedactor(SECRET_URL);

  it('removes the URL, the password raw and decoded, and any user:password@', () => {
    expect(redact(`cannot reach ${SECRET_URL} now`)).toBe('cannot reach *** now');
    expect(redact('password p%40ss-W0rd! or p@ss-W0rd! rejected')).toBe('password *** or *** rejected');
    expect(redact('via mysql://other:hunter2@host/db')).toBe('via mysql://other:***@host/db');
    expect(redact('nothing secret here')).toBe('nothing secret here');
  });

  it('redacts an error, its stack and its causes in place', () => {
    const error = new Error(`failed: ${SECRET_URL}`, { cause: new AggregateError([new Error('p@ss-W0rd!')], 'inner') });
    redactError(error, redact);
    expect(inspect(error, { depth: 10 })).not.toMatch(/W0rd/);
  });
});
