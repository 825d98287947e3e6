// Reads the public lists' query parameters (page_size, limit, offset, updated_since).
// Each may appear at most once; a bad value is a 400 whose message names the parameter,
// what it must be, and what was sent.
import { InvalidRequestError } from './errors';

const DIGITS = /^(0|[1-9][0-9]*)$/;
/** RFC 3339 date-time with a Z or ±hh:mm offset. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function shown(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : 'more than one value';
}

/** An integer parameter in [min, max]; `fallback` when absent. */
export function parseIntegerParam(raw: unknown, name: string, range: { min: number; max: number; fallback: number }): number {
  if (raw === undefined) return range.fallback;
  const value = typeof raw === 'string' && DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new InvalidRequestError(
      `query parameter "${name}" must be an integer from ${range.min} to ${range.max}, got ${shown(raw)}`,
    );
  }
  return value;
}

/**
 * An RFC 3339 timestamp parameter, as epoch ms; undefined when absent. A `+` offset sent
 * unencoded arrives as a space (form encoding), so a space before the offset reads as `+`.
 */
export function parseTimestampParam(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw.replace(/ (\d{2}:\d{2})$/, '+$1') : undefined;
  const ms = text !== undefined && TIMESTAMP.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidRequestError(
      `query parameter "${name}" must be an RFC 3339 timestamp such as 2025-06-01T12:00:00Z, got ${shown(raw)}`,
    );
  }
  return ms;
}

/** A string parameter taken as is; undefined when absent. */
export function parseStringParam(raw: unknown, name: string): string | undefined {
  if (raw === undefined || typeof raw === 'string') return raw;
  throw new InvalidRequestError(`query parameter "${name}" must be given once, got ${shown(raw)}`);
}
