// The gateway's streaming core, as app.ts and service.ts wire it: the config fragment, the
// fan-out hub (one per process, started before listening, stopped after the server
// closes) and the SSE routes plugin.
export { streamConfigShape, streamConfigSchema, type StreamConfig } from './stream-config';
export { startFanoutHub, type FanoutHub, type FanoutHubOptions, type FanoutSubscriber } from './fanout-hub';
export { streamRoutes, type StreamRoutesOptions } from './stream.routes';
export { streamMetrics, type StreamMetrics } from './stream-metrics';
export { CONTROL_EVENTS, type ResetReason } from './sse-frame';
