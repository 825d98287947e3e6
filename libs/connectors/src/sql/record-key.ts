// A row's key from its primary-key columns. One column: the value as a string ('17',
// 'M-104'), matching the HTTP connectors' keys. Several columns: the values joined with
// '|', each with '\' and '|' escaped, so ('a|b', 'c') and ('a', 'b|c') never share a key.
import { recordKeySchema } from '@freshet/contracts';
import { InvalidSqlRowError } from './sql-errors';
import type { SqlRow } from './normalize-row';

export const KEY_SEPARATOR = '|';

function keyPart(row: SqlRow, column: string, rowIndex: number): string {
  if (!Object.hasOwn(row, column)) {
    const columns = Object.keys(row).map((c) => JSON.stringify(c)).join(', ');
    throw new InvalidSqlRowError(rowIndex, column, `has no primary key column ${JSON.stringify(column)} (columns: ${columns}); select it in the query`);
  }
  const value = row[column];
  if (value === null || value === undefined) {
    throw new InvalidSqlRowError(rowIndex, column, `has a null primary key column ${JSON.stringify(column)}`);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new InvalidSqlRowError(rowIndex, column, `has a primary key column ${JSON.stringify(column)} that is not a scalar value`);
}

const escapePart = (part: string): string => part.replace(/[\\|]/g, (ch) => `\\${ch}`);

/** The key of a normalized row; throws InvalidSqlRowError naming the row and column. */
export function buildRecordKey(row: SqlRow, columns: readonly string[], rowIndex: number): string {
  const parts = columns.map((column) => keyPart(row, column, rowIndex));
  const key = parts.length === 1 ? (parts[0] as string) : parts.map(escapePart).join(KEY_SEPARATOR);
  if (!recordKeySchema.safeParse(key).success) {
    const problem = key === '' ? 'an empty key' : `a key longer than 512 characters (${JSON.stringify(key.slice(0, 40))}…)`;
    throw new InvalidSqlRowError(rowIndex, undefined, `has ${problem}`);
  }
  return key;
}
