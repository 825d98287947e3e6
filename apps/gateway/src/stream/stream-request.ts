// What a stream request says besides its channels, checked before anything is opened.
// Pure, so every refusal is a unit-tested 400 with a message, not a surprise.
import { HttpProblem } from '@freshet/telemetry';

/** Query parameters that would put a credential in a URL (logs, history, Referer): refused. */
const TOKEN_PARAMETERS = ['token', 'access_token'];

export function refuseTokenInUrl(query: Record<string, unknown>): void {
  for (const name of TOKEN_PARAMETERS) {
    if (Object.hasOwn(query, name)) {
      throw new HttpProblem(
        400,
        'CREDENTIAL_IN_URL',
        `credentials are never accepted in the URL (${name}=): send Authorization: Bearer, use the session cookie or a stream ticket`,
      );
    }
  }
}

/** A query parameter's values: absent → [], repeated → every value. */
export function queryValues(query: Record<string, unknown>, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `?coalesce=<ms>`: 0 (or absent) writes each event at once; at most `maxMs`. */
export function parseCoalesce(query: Record<string, unknown>, maxMs: number): number {
  const values = queryValues(query, 'coalesce');
  if (values.length === 0) return 0;
  const [raw] = values;
  if (values.length > 1 || raw === undefined || !/^\d{1,7}$/.test(raw)) {
    throw new HttpProblem(400, 'BAD_COALESCE', `coalesce must be one whole number of milliseconds from 0 to ${maxMs}`);
  }
  const ms = Number(raw);
  if (ms > maxMs) throw new HttpProblem(400, 'BAD_COALESCE', `coalesce must be at most ${maxMs} ms, got ${ms}`);
  return ms;
}
