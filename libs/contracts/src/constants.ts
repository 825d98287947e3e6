// Protocol literals defined once: header names, stream defaults, RPC names.

export const HEADERS = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  eventType: 'Freshet-Event-Type',
  lastEventId: 'last-event-id',
} as const;

export const DEFAULT_SUBJECT_PREFIX = 'freshet';
export const DEFAULT_EVENTS_STREAM = 'FRESHET_EVENTS';
export const DEFAULT_COMMANDS_STREAM = 'FRESHET_SYNC_COMMANDS';

export const RPC = {
  ingest: { service: 'ingest', getSource: 'get-source', getHistory: 'get-history', listSources: 'list-sources', getRecords: 'get-records' },
  scheduler: { service: 'scheduler', revalidate: 'revalidate', overview: 'overview', retry: 'retry' },
  cache: { service: 'cache', snapshot: 'snapshot', freshness: 'freshness', stats: 'stats' },
} as const;

/** SSE event name the gateway uses for its own control messages. */
export const SSE_EVENTS = { ready: 'ready', reset: 'reset' } as const;
