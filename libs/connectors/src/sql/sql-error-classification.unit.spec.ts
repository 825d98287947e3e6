// How each driver's errors are sorted into the connector's failure kinds.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { mysqlDriver } from './mysql-driver';
import { postgresDriver } from './postgres-driver';

const pgError = (code: string) => Object.assign(new pg.DatabaseError('x', 1, 'error'), { code });
const mysqlError = (errno: number, fatal = false) => Object.assign(new Error('x'), { errno, fatal, sqlState: 'HY000' });

describe('postgres error classification', () => {
  it.each([
    ['42601', { kind: 'query', dbCode: '42601', retryable: false }], // syntax error
    ['25006', { kind: 'query', dbCode: '25006', retryable: false }], // read-only transaction
    ['40001', { kind: 'query', dbCode: '40001', retryable: true }], // serialization failure
    ['57014', { kind: 'timeout' }],
    ['28P01', { kind: 'unavailable' }], // bad password
    ['28000', { kind: 'unavailable' }], // no such role
    ['3D000', { kind: 'unavailable' }], // no such database
    ['57P01', { kind: 'unavailable' }], // admin shutdown
    ['53300', { kind: 'unavailable' }], // too many connections
  ])('%s', (code, failure) => {
    expect(postgresDriver.classify(pgError(code))).toEqual(failure);
  });

  it('treats network errors as unavailable', () => {
    expect(postgresDriver.classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'unavailable' });
    expect(postgresDriver.classify(new Error('Connection terminated unexpectedly'))).toEqual({ kind: 'unavailable' });
  });
});

describe('mysql error classification', () => {
  it.each([
    [1064, { kind: 'query', dbCode: '1064', retryable: false }], // syntax
    [1792, { kind: 'query', dbCode: '1792', retryable: false }], // read-only transaction
    [1213, { kind: 'query', dbCode: '1213', retryable: true }], // deadlock
    [1969, { kind: 'timeout' }],
    [3024, { kind: 'timeout' }],
    [1317, { kind: 'interrupted' }],
    [1045, { kind: 'unavailable' }],
    [1049, { kind: 'unavailable' }],
    [2013, { kind: 'unavailable' }],
  ])('%s', (errno, failure) => {
    expect(mysqlDriver.classify(mysqlError(errno))).toEqual(failure);
  });

  it('treats fatal and network errors as unavailable', () => {
    expect(mysqlDriver.classify(mysqlError(1064, true))).toEqual({ kind: 'unavailable' });
    expect(mysqlDriver.classify(Object.assign(new Error('connect ECONNREFUSED'), { errno: -111, code: 'ECONNREFUSED', fatal: true }))).toEqual({
      kind: 'unavailable',
    });
    expect(mysqlDriver.classify(new Error('Pool is closed.'))).toEqual({ kind: 'unavailable' });
  });
});
