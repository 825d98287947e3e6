// Every connector type a source can name, keyed by the `type` of its config. The table
// is a full Record over the contracts' connector union, so adding a connector type to
// the contracts without registering it here fails to compile.
import type { ConnectorConfig } from '@freshet/contracts';
import { httpSync } from '../http/http-sync';
import { createSqlPollConnector } from '../sql/sql-poll-connector';
import { defineConnector, type ConnectorDefinition } from './connector-sdk';

type ConfigOf<T extends ConnectorConfig['type']> = Extract<ConnectorConfig, { type: T }>;

const httpConnector = defineConnector<ConfigOf<'http'>>({
  strategy: (config) => config.incremental.strategy,
  sync: (config, context) =>
    httpSync(config, context.cursor, {
      stats: context.stats,
      gate: context.gate,
      secrets: context.secrets,
      forceFull: context.forceFull,
      now: context.now,
      fetch: context.fetch,
      signal: context.signal,
    }),
});

const sqlPollConnector = defineConnector<ConfigOf<'sql-poll'>>({
  // A query result is always a complete listing.
  strategy: () => 'full',
  async *sync(config, context) {
    const source = createSqlPollConnector(config, { env: context.secrets.env, resolveSecret: context.secrets.resolveRef });
    try {
      context.stats.requests += 1;
      let page = 0;
      for await (const records of source.fetchRows(context.signal)) {
        page += 1;
        context.stats.pages += 1;
        yield { kind: 'records', page, records, skipped: 0 };
      }
      // Only reached when the whole result streamed without error.
      yield { kind: 'end', listingComplete: true, notModified: false, cursor: {}, notes: [] };
    } finally {
      await source.close();
    }
  },
});

export const BUILT_IN_CONNECTORS: { [T in ConnectorConfig['type']]: ConnectorDefinition<ConfigOf<T>> } = {
  http: httpConnector,
  'sql-poll': sqlPollConnector,
};

export function connectorFor<T extends ConnectorConfig['type']>(type: T): ConnectorDefinition<ConfigOf<T>> {
  return BUILT_IN_CONNECTORS[type];
}
