import { describe, expect, it } from 'vitest';
import { sourceSecretEnv } from './secret-env';

describe('sourceSecretEnv', () => {
  it('offers sources only FRESHET_SECRET_* variables, never ingest’s own', () => {
    const env = { DATABASE_URL: 'postgres://ingest:pw@db/x', REDIS_URL: 'redis://r', FRESHET_SECRET_ESI_TOKEN: 't0ken', PATH: '/bin' };
    expect(sourceSecretEnv(env)).toEqual({ FRESHET_SECRET_ESI_TOKEN: 't0ken' });
  });
});
