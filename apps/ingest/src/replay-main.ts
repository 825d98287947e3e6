// `npm run replay -- --tenant <t> --source <s>`: rebuilds a source's records projection
// from the event log and prints a JSON summary. Uses ingest's configuration.
import { parseArgs } from 'node:util';
import { createEventStoreDb } from '@freshet/event-store';
import { loadIngestConfig } from './config';
import type { IngestDatabase } from './db/ingest-tables';
import { migrateIngest } from './db/migrate-ingest';
import { rebuildRecords } from './replay/rebuild-records';

const { values } = parseArgs({ options: { tenant: { type: 'string' }, source: { type: 'string' } } });
if (!values.tenant || !values.source) {
  console.error('usage: npm run replay -- --tenant <tenant> --source <source>');
  process.exit(2);
}
const config = loadIngestConfig();
const db = createEventStoreDb<IngestDatabase>({ connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA });
try {
  await migrateIngest(db, config.DATABASE_SCHEMA);
  console.log(JSON.stringify(await rebuildRecords(db, values.tenant, values.source)));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
