// The environment a source's credentials may come from: only FRESHET_SECRET_* variables.
// A source names the variable itself, so without this filter a source could name
// DATABASE_URL and send ingest's own credentials to a server of its choosing.
export const SECRET_ENV_PREFIX = 'FRESHET_SECRET_';

export function sourceSecretEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith(SECRET_ENV_PREFIX)));
}
