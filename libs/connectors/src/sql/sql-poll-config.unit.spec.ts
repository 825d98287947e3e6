// The contracts schema of a sql-poll source (tested here: the contracts file ships with the connector).
import { sqlPollConnectorSchema } from '@freshet/contracts';
import { describe, expect, it } from 'vitest';

const valid = {
  type: 'sql-poll',
  dialect: 'postgres',
  connection: { urlFromEnv: 'FACTORY_DB_URL' },
  query: 'select id, name from machines',
  primaryKey: 'id',
};

const issues = (input: object) => {
  const result = sqlPollConnectorSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) ?? [];
};

describe('sqlPollConnectorSchema', () => {
  it('fills defaults', () => {
    expect(sqlPollConnectorSchema.parse(valid)).toEqual({ ...valid, pollIntervalMs: 60_000, maxRows: 100_000, timeoutMs: 30_000 });
    expect(sqlPollConnectorSchema.parse({ ...valid, connection: { secretRef: 'vault:factory' }, primaryKey: ['plant', 'id'] }).primaryKey).toEqual([
      'plant',
      'id',
    ]);
  });

  it.each([
    [{ dialect: 'oracle' }, 'dialect'],
    [{ connection: { urlFromEnv: 'not a name' } }, 'connection.urlFromEnv'],
    [{ connection: { secretRef: '' } }, 'connection.secretRef'],
    [{ query: '   ' }, 'query'],
    [{ primaryKey: '' }, 'primaryKey'],
    [{ primaryKey: ['plant', 'id', 'plant'] }, 'primaryKey.2'],
    [{ pollIntervalMs: 999 }, 'pollIntervalMs'],
    [{ maxRows: 0 }, 'maxRows'],
    [{ timeoutMs: 1.5 }, 'timeoutMs'],
  ])('points at the bad field in %j', (change, path) => {
    expect(issues({ ...valid, ...change }).map((i) => i.path)).toEqual([path]);
  });

  it('explains the two ways to give a connection', () => {
    const expected = [{ path: 'connection', message: 'must be either { urlFromEnv: "ENV_VAR_NAME" } or { secretRef: "reference" }' }];
    expect(issues({ ...valid, connection: {} })).toEqual(expected);
    expect(issues({ ...valid, connection: { urlFromEnv: 'A', secretRef: 'b' } })).toEqual(expected);
    // A URL pasted into the config is refused (and not echoed back).
    const pasted = issues({ ...valid, connection: { url: 'postgres://u:pw@h/db' } });
    expect(JSON.stringify(pasted)).not.toContain('pw@');
  });
});
