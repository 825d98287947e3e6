// Turns raw message bytes into a contract value, or a short human reason why not. Bad
// input on the bus must never crash a consumer, so this never throws.
import type { ZodType, core } from 'zod';

export type DecodeResult<T> = { ok: true; data: T } | { ok: false; reason: string };

const MAX_ISSUES = 5;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** "data.key: Too small; time: Invalid ISO datetime (+2 more)" */
export function summarizeIssues(issues: readonly core.$ZodIssue[]): string {
  const shown = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path === '' ? '(root)' : path}: ${issue.message}`;
  });
  const more = issues.length > MAX_ISSUES ? ` (+${issues.length - MAX_ISSUES} more)` : '';
  return `${shown.join('; ')}${more}`;
}

export function decodeMessage<T>(bytes: Uint8Array, schema: ZodType<T>): DecodeResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `schema validation failed: ${summarizeIssues(parsed.error.issues)}` };
  return { ok: true, data: parsed.data };
}
