// Turns a driver's row into plain JSON values, the same for the same data whichever
// dialect produced it, so content hashes do not change when a source moves between
// Postgres and MySQL or a driver changes its defaults. The drivers are configured to meet
// this halfway (dates as 'YYYY-MM-DD' strings, naive timestamps read as UTC, 64-bit
// integers and decimals as strings, MySQL BOOLEAN as true/false; see the driver files).
import { Buffer } from 'node:buffer';

export type SqlRow = Record<string, unknown>;

export function normalizeSqlValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity (float columns can hold them).
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  // Sub-millisecond precision is dropped: a JS Date holds milliseconds.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(normalizeSqlValue);
  const out: SqlRow = {};
  for (const [key, inner] of Object.entries(value as SqlRow)) {
    if (typeof inner !== 'function') out[key] = normalizeSqlValue(inner);
  }
  return out;
}

export function normalizeSqlRow(row: SqlRow): SqlRow {
  const out: SqlRow = {};
  for (const [column, value] of Object.entries(row)) out[column] = normalizeSqlValue(value);
  return out;
}
