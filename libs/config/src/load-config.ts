// Parses a service's environment once at start against its zod schema and freezes it.
// Nothing else in a service reads process.env.
import type { z } from 'zod';
import { ConfigError } from './config-error';

type EnvSource = Record<string, string | undefined>;

/** Variables whose values never appear in an error (it is printed and logged). */
const SECRET_VARIABLE = /SECRET|PASSWORD|TOKEN|PRIVATE|PUBLIC_KEY|API_KEY/;

function shown(variable: string, value: string | undefined): string {
  if (variable === '(root)' || value === undefined) return '';
  return SECRET_VARIABLE.test(variable) ? ' (value hidden)' : ` (got ${JSON.stringify(value)})`;
}

export function loadConfig<S extends z.ZodObject>(
  service: string,
  schema: S,
  env: EnvSource = process.env,
): Readonly<z.infer<S>> {
  // Empty strings mean "unset": `FOO= npm start` must not bypass a default with ''.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.map(String).join('.') || '(root)';
      const unset = issue.code === 'invalid_type' && cleaned[variable] === undefined;
      return { variable, message: unset ? 'is required but not set' : `${issue.message}${shown(variable, cleaned[variable])}` };
    });
    throw new ConfigError(service, problems);
  }
  return Object.freeze(result.data);
}
