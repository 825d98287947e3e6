// The schema name becomes part of a connection option and of DDL, so it is checked once
// here against a strict identifier pattern rather than quoted ad hoc everywhere.
import { InvalidSchemaNameError } from '../errors';

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,50}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema)) throw new InvalidSchemaNameError(schema);
  return schema;
}

/**
 * The LISTEN/NOTIFY channel appends signal on. appendToStream derives the same name in SQL
 * from `current_schema()`, so both sides agree without passing the schema around.
 */
export function eventsChannel(schema: string): string {
  return `${assertSchemaName(schema)}_events`;
}
