// The same `machines` table, with the same ~2,500 rows, in the test Postgres (in a
// throwaway schema) and the test MariaDB (a uniquely named table), so integration tests
// can compare what the connector lists from each dialect.
import { Buffer } from 'node:buffer';
import { createSchema, dropSchema, TEST_DATABASE_URL, testNames } from '@freshet/testkit';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';

export const TEST_MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
export const MACHINE_COUNT = 2_500;

const PLANTS = ['north', 'south', 'east'] as const;
const BASE_TIME = Date.UTC(2024, 2, 1, 6, 0, 0);

export interface MachineRow {
  plant: string;
  id: number;
  line_no: number;
  name: string;
  serial: string;
  temperature: string | null;
  speed: number;
  active: boolean;
  installed_on: string | null;
  last_seen: string;
  updated_at: string;
  firmware: Buffer | null;
}

const sqlTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

export function machineRows(count = MACHINE_COUNT): MachineRow[] {
  return Array.from({ length: count }, (_, index) => {
    const i = index + 1;
    return {
      plant: PLANTS[i % 3] as string,
      id: i,
      line_no: Math.floor(i / 3),
      name: i % 50 === 0 ? `Pressé ${i} "Nº|\\ü"` : `Machine ${i}`,
      serial: (9_007_199_254_740_993n + BigInt(i)).toString(),
      temperature: i % 10 === 0 ? null : (((i * 37) % 100_000) / 100).toFixed(2),
      speed: i * 0.25,
      active: i % 4 !== 0,
      installed_on: i % 7 === 0 ? null : new Date(BASE_TIME - i * 86_400_000).toISOString().slice(0, 10),
      last_seen: sqlTime(BASE_TIME + i * 60_000 + (i % 1000)),
      updated_at: sqlTime(BASE_TIME + i * 3_600_000 + 123),
      firmware: i % 5 === 0 ? null : Buffer.from(`fw-${i}`),
    };
  });
}

export const MACHINE_COLUMNS = 'plant, id, line_no, name, serial, temperature, speed, active, installed_on, last_seen, updated_at, firmware';

const COLUMN_NAMES = MACHINE_COLUMNS.split(', ') as Array<keyof MachineRow>;
const asValues = (row: MachineRow): unknown[] => COLUMN_NAMES.map((column) => row[column]);

export interface PostgresMachines {
  schema: string;
  /** Schema-qualified table name. */
  table: string;
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function createPostgresMachines(rows = machineRows()): Promise<PostgresMachines> {
  const schema = testNames('sqlpoll').databaseSchema;
  await createSchema(schema);
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  const table = `"${schema}".machines`;
  await client.query(`create table ${table} (
    plant text not null, id integer primary key, line_no integer not null, name text not null,
    serial bigint not null, temperature numeric(8,2), speed double precision not null, active boolean not null,
    installed_on date, last_seen timestamp(3) not null, updated_at timestamptz(3) not null, firmware bytea,
    unique (plant, line_no))`);
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const placeholders = chunk.map((_, r) => `(${COLUMN_NAMES.map((__, c) => `$${r * COLUMN_NAMES.length + c + 1}`).join(', ')})`);
    const values = chunk.flatMap((row) => asValues({ ...row, updated_at: `${row.updated_at}Z` }));
    await client.query(`insert into ${table} (${MACHINE_COLUMNS}) values ${placeholders.join(', ')}`, values);
  }
  return {
    schema,
    table,
    query: (text, values) => client.query(text, values),
    async drop() {
      await client.end();
      await dropSchema(schema);
    },
  };
}

export interface MysqlMachines {
  table: string;
  query(text: string, values?: unknown[]): Promise<unknown>;
  drop(): Promise<void>;
}

export async function createMysqlMachines(rows = machineRows()): Promise<MysqlMachines> {
  const table = `machines_${testNames('sqlpoll').id}`;
  const connection = await createConnection({ uri: TEST_MYSQL_URL, timezone: 'Z' });
  await connection.query(`set time_zone = '+00:00'`);
  await connection.query(`create table ${table} (
    plant varchar(16) not null, id int primary key, line_no int not null, name varchar(100) not null,
    serial bigint not null, temperature decimal(8,2) null, speed double not null, active boolean not null,
    installed_on date null, last_seen datetime(3) not null, updated_at timestamp(3) null default null, firmware varbinary(32) null,
    unique (plant, line_no)) character set utf8mb4`);
  for (let start = 0; start < rows.length; start += 500) {
    await connection.query(`insert into ${table} (${MACHINE_COLUMNS}) values ?`, [rows.slice(start, start + 500).map(asValues)]);
  }
  return {
    table,
    query: async (text, values) => (await connection.query(text, values))[0],
    async drop() {
      await connection.query(`drop table if exists ${table}`);
      await connection.end();
    },
  };
}
