import { describe, expect, it } from 'vitest';
import { buildRecordKey } from './record-key';
import { InvalidSqlRowError } from './sql-errors';

const failure = (fn: () => unknown): InvalidSqlRowError => {
  try {
    fn();
  } catch (error) {
    return error as InvalidSqlRowError;
  }
  throw new Error('expected a failure');
};

describe('buildRecordKey', () => {
  it('uses a single column’s value as it is', () => {
    expect(buildRecordKey({ id: 17, name: 'x' }, ['id'], 0)).toBe('17');
    expect(buildRecordKey({ code: 'M-104|a' }, ['code'], 0)).toBe('M-104|a');
    expect(buildRecordKey({ serial: '9007199254740993' }, ['serial'], 0)).toBe('9007199254740993');
    expect(buildRecordKey({ on: true }, ['on'], 0)).toBe('true');
  });

  it('joins composite keys in column order, escaping the separator', () => {
    expect(buildRecordKey({ line: 4, plant: 'north' }, ['plant', 'line'], 0)).toBe('north|4');
    expect(buildRecordKey({ a: 'x\\y', b: 'z' }, ['a', 'b'], 0)).toBe('x\\\\y|z');
    const left = buildRecordKey({ a: 'a|b', b: 'c' }, ['a', 'b'], 0);
    const right = buildRecordKey({ a: 'a', b: 'b|c' }, ['a', 'b'], 0);
    expect(left).toBe('a\\|b|c');
    expect(right).toBe('a|b\\|c');
    expect(left).not.toBe(right);
  });

  it('names the row and column when a key column is missing', () => {
    const error = failure(() => buildRecordKey({ name: 'x', plant: 'n' }, ['plant', 'id'], 41));
    expect(error).toBeInstanceOf(InvalidSqlRowError);
    expect(error.code).toBe('INVALID_SQL_ROW');
    expect(error.retryable).toBe(false);
    expect(error.row).toBe(41);
    expect(error.column).toBe('id');
    expect(error.message).toBe('row 41 of the listing has no primary key column "id" (columns: "name", "plant"); select it in the query');
  });

  it('refuses null, non-scalar, empty and over-long keys', () => {
    expect(failure(() => buildRecordKey({ id: null }, ['id'], 3)).message).toMatch(/row 3 .* null primary key column "id"/);
    expect(failure(() => buildRecordKey({ id: { a: 1 } }, ['id'], 0)).message).toMatch(/not a scalar/);
    expect(failure(() => buildRecordKey({ id: '' }, ['id'], 0)).message).toMatch(/empty key/);
    expect(failure(() => buildRecordKey({ id: 'x'.repeat(513) }, ['id'], 0)).message).toMatch(/longer than 512/);
  });
});
