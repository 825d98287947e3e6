// The machines table in both test databases for one spec file: created before its tests,
// dropped after them, together with every connector the file opened (closed first, so no
// pooled connection outlives the table it reads).
import type { SqlDialect } from '@freshet/contracts';
import { afterAll, beforeAll } from 'vitest';
import type { SqlPollSource } from '../sql-poll-connector';
import { createMysqlMachines, createPostgresMachines, type MysqlMachines, type PostgresMachines } from './machines-fixture';

export interface MachineTables {
  readonly postgres: PostgresMachines;
  readonly mysql: MysqlMachines;
  /** The table's name as the dialect's queries spell it. */
  table(dialect: SqlDialect): string;
  /** Closes the connector after the file's tests, before the tables are dropped. */
  closeAfterAll<T extends SqlPollSource>(source: T): T;
}

/** Call at the top of a spec file; registers the beforeAll and afterAll. */
export function machineTablesPerFile(): MachineTables {
  let postgres: PostgresMachines;
  let mysql: MysqlMachines;
  const opened: SqlPollSource[] = [];

  beforeAll(async () => {
    [postgres, mysql] = await Promise.all([createPostgresMachines(), createMysqlMachines()]);
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await Promise.all([postgres?.drop(), mysql?.drop()]);
  });

  return {
    get postgres() {
      return postgres;
    },
    get mysql() {
      return mysql;
    },
    table: (dialect) => (dialect === 'postgres' ? postgres.table : mysql.table),
    closeAfterAll(source) {
      opened.push(source);
      return source;
    },
  };
}
