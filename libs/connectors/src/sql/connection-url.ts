// Finds the connection URL a source's config points at (an environment variable, or a
// secret reference the caller resolves) and builds the redactor that keeps it out of every
// message we produce. The URL lives only in the driver's pool and in closures; it is never
// part of a config, an error message, an event or a log line. Lookups go through the
// connectors' shared resolveSecret, so a missing secret is MISSING_SECRET here as for HTTP.
import type { SqlDialect, SqlPollConnector } from '@freshet/contracts';
import { ConnectorError } from '../connector-errors';
import { resolveSecret } from '../http/secrets';
import { SqlConnectionConfigError } from './sql-errors';

export interface ConnectionSecretOptions {
  /** Resolves `connection.secretRef` to the connection URL. */
  resolveSecret?: (ref: string) => Promise<string | undefined>;
  /** Where `connection.urlFromEnv` is looked up; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

const PROTOCOLS: Record<SqlDialect, readonly string[]> = {
  postgres: ['postgres:', 'postgresql:'],
  mysql: ['mysql:', 'mariadb:'],
};

/** Human description of where the URL comes from, safe to print. */
export function describeConnection(config: Pick<SqlPollConnector, 'connection'>): string {
  const { connection } = config;
  return 'urlFromEnv' in connection ? `environment variable ${connection.urlFromEnv}` : `secret ${JSON.stringify(connection.secretRef)}`;
}

/**
 * @throws MissingSecretError (MISSING_SECRET) when the variable is unset or the resolver has nothing;
 *         SqlConnectionConfigError when the resolver fails or the URL is not one for the dialect.
 */
export async function resolveConnectionUrl(
  config: Pick<SqlPollConnector, 'connection' | 'dialect'>,
  options: ConnectionSecretOptions,
): Promise<string> {
  const { connection } = config;
  const reference = 'urlFromEnv' in connection ? { env: connection.urlFromEnv } : { secretRef: connection.secretRef };
  let url: string;
  try {
    url = await resolveSecret(reference, { env: options.env, resolveRef: options.resolveSecret });
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    // The resolver's own message is not repeated: we cannot know it is free of secrets.
    throw new SqlConnectionConfigError(`could not resolve ${describeConnection(config)}`, true, { cause: error });
  }
  const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
  if (protocol === undefined || !PROTOCOLS[config.dialect].includes(protocol)) {
    const expected = PROTOCOLS[config.dialect].map((p) => `${p}//`).join(' or ');
    throw new SqlConnectionConfigError(
      `the connection URL in ${describeConnection(config)} is not a ${expected} URL (dialect ${config.dialect})`,
      false,
    );
  }
  return url;
}

const USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)[^\s/@]*@/gi;

/** Replaces the URL, its password (raw and decoded) and any user:password@ with '***'. */
export function createRedactor(url: string): (text: string) => string {
  const secrets = new Set<string>([url]);
  if (URL.canParse(url)) {
    const { password } = new URL(url);
    if (password !== '') {
      secrets.add(password);
      try {
        secrets.add(decodeURIComponent(password));
      } catch {
        // not percent-encoded
      }
    }
  }
  const ordered = [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  return (text: string) => ordered.reduce((out, secret) => out.split(secret).join('***'), text).replace(USERINFO, '$1***@');
}

/** Redacts an error's message and stack in place, and those of its causes (it is kept as a cause). */
export function redactError(error: unknown, redact: (text: string) => string, seen = new Set<unknown>()): void {
  if (!(error instanceof Error) || seen.has(error)) return;
  seen.add(error);
  error.message = redact(error.message);
  if (error.stack !== undefined) error.stack = redact(error.stack);
  if (error instanceof AggregateError) for (const inner of error.errors) redactError(inner, redact, seen);
  redactError(error.cause, redact, seen);
}
