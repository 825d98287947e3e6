import { describe, expect, it } from 'vitest';
import { SqlQueryRefusedError } from './sql-errors';
import { checkReadOnlyQuery, lexSql } from './statement-guard';

const refusal = (query: string, dialect: 'postgres' | 'mysql') => {
  try {
    checkReadOnlyQuery(query, dialect);
  } catch (error) {
    return error as SqlQueryRefusedError;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be refused for ${dialect}`);
};

describe('checkReadOnlyQuery', () => {
  it.each(['postgres', 'mysql'] as const)('accepts plain reads (%s)', (dialect) => {
    expect(checkReadOnlyQuery('SELECT id, name FROM machines', dialect)).toBe('SELECT id, name FROM machines');
    expect(checkReadOnlyQuery('  with t as (select 1 as id) select * from t  ', dialect)).toBe('with t as (select 1 as id) select * from t');
    expect(checkReadOnlyQuery('-- the plant list\nselect updated_at, deleted_flag, insert_count from m', dialect)).toContain('select updated_at');
    expect(checkReadOnlyQuery("select id from m where note = 'a; DROP TABLE m; UPDATE'", dialect)).toContain('DROP');
    expect(checkReadOnlyQuery('select id /* delete; drop */ from m', dialect)).toContain('delete');
  });

  it.each(['postgres', 'mysql'] as const)('drops one trailing semicolon and what follows it (%s)', (dialect) => {
    expect(checkReadOnlyQuery('select id from m;', dialect)).toBe('select id from m');
    expect(checkReadOnlyQuery('select id from m ; ;  -- done\n', dialect)).toBe('select id from m');
    expect(checkReadOnlyQuery('select id from m -- trailing comment', dialect)).toBe('select id from m -- trailing comment');
  });

  it('knows each dialect’s quoting', () => {
    expect(checkReadOnlyQuery('select "update", "a;b" from m', 'postgres')).toContain('"update"');
    expect(checkReadOnlyQuery('select `update`, `a;b` from m', 'mysql')).toContain('`update`');
    expect(checkReadOnlyQuery('select $body$ ; drop table m $body$ as x, $$;$$ as y', 'postgres')).toContain('$body$');
    expect(checkReadOnlyQuery("select E'it\\'s; fine' as x", 'postgres')).toContain("E'it");
    expect(checkReadOnlyQuery("select 'it''s; fine' as x", 'mysql')).toContain("it''s");
    expect(checkReadOnlyQuery('select 1 # ; drop table m\n as x', 'mysql')).toContain('#');
    expect(checkReadOnlyQuery('select /* outer /* inner */ ; drop */ 1 as x', 'postgres')).toContain('inner');
    // In MySQL "--" needs a space after it: 1--1 is arithmetic, so the ';' after it is real.
    expect(refusal('select 1--1; drop table m', 'mysql').reason).toMatch(/more than one statement/);
    expect(checkReadOnlyQuery('select 1--1; drop table m', 'postgres')).toBe('select 1--1; drop table m');
  });

  it.each([
    ['UPDATE machines SET name = 1', /must start with SELECT or WITH, not "UPDATE"/],
    ['delete from machines', /not "DELETE"/],
    ['insert into machines values (1)', /not "INSERT"/],
    ['VALUES (1)', /not "VALUES"/],
    ['CALL refresh()', /not "CALL"/],
    ['SET search_path = x', /not "SET"/],
    ['(select 1)', /not "\("/],
    ['select 1; select 2', /more than one statement \(';' at offset 8\)/],
    ['SELECT id FROM machines; DROP TABLE machines', /more than one statement/],
    ['select 1) q; drop table machines; select * from (select 1', /unbalanced '\)'/],
    ['select (1', /1 unclosed '\('/],
    ['WITH d AS (DELETE FROM machines RETURNING *) SELECT * FROM d', /DELETE at offset 11 is not allowed/],
    ['SELECT * INTO backup FROM machines', /INTO at offset 9/],
    ['select * from machines for update', /UPDATE at offset 27/],
    ['select * from machines for share', /FOR SHARE .* takes locks/],
    ['select * from machines lock in share mode', /LOCK IN .* takes locks/],
    ["select 'unterminated", /unterminated string literal/],
    ['select 1 /* open', /unterminated \/\* comment/],
    ['', /empty/],
    ['  -- only a comment', /empty/],
  ])('refuses %j', (query, reason) => {
    for (const dialect of ['postgres', 'mysql'] as const) {
      const error = refusal(query, dialect);
      expect(error).toBeInstanceOf(SqlQueryRefusedError);
      expect(error.code).toBe('SQL_QUERY_REFUSED');
      expect(error.retryable).toBe(false);
      expect(error.message).toMatch(reason);
    }
  });

  it('refuses a second statement hidden by a backslash the server may not honour', () => {
    // standard_conforming_strings=on (default): 'a\' is a whole literal, so "; drop" is code.
    expect(refusal("select 'a\\'; drop table m; --'", 'postgres').reason).toMatch(/more than one statement/);
    // MySQL reads it as one literal by default but not under NO_BACKSLASH_ESCAPES: ambiguous.
    expect(refusal("select 'a\\'; drop table m; --'", 'mysql').reason).toMatch(/read differently depending on server settings/);
    expect(refusal('select "a\\"; drop table m; -- " as x', 'mysql').reason).toMatch(/read differently/);
    // A backslash that is not before a quote reads the same everywhere.
    expect(checkReadOnlyQuery("select id from m where code like 'A\\_%'", 'mysql')).toContain('A\\_%');
  });

  it('refuses MySQL executable comments, which the server runs', () => {
    expect(refusal('select 1 /*!50000 ; drop table m */', 'mysql').reason).toMatch(/executable comment/);
    expect(refusal('select 1 /*M!100000 , sleep(1) */', 'mysql').reason).toMatch(/executable comment/);
    expect(checkReadOnlyQuery('select /*+ MAX_EXECUTION_TIME(1000) */ id from m', 'mysql')).toContain('/*+');
  });

  it('says to quote a forbidden word used as a name', () => {
    expect(refusal('select drop from m', 'postgres').message).toMatch(/query refused: DROP at offset 7 .*quote the identifier/);
  });
});

describe('lexSql', () => {
  it('yields words and punctuation outside literals and comments', () => {
    expect(lexSql("select a.b, 'x' -- c\nfrom t;", 'postgres').map((t) => t.text)).toEqual(['SELECT', 'A', '.', 'B', ',', 'FROM', 'T', ';']);
  });
});
