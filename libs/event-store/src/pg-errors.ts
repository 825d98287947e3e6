// Recognizes the Postgres errors the store turns into typed errors, by SQLSTATE and
// constraint name rather than message text.
const UNIQUE_VIOLATION = '23505';

/** The violated unique constraint's name, or undefined if `error` is not a unique violation. */
export function uniqueViolationConstraint(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && typeof constraint === 'string' ? constraint : undefined;
}
