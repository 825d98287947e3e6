// Tracing for a service process: startTracing (once, in main.ts) and the HTTP server spans
// the observability plugin registers. Decision 0013.
export { startTracing, type StartTracingOptions, type Tracing } from './start-tracing';
export { tracingSettings, tracingEnvSchema, endpointForLogs, SAMPLERS, type TracingSettings, type SamplerSetting, type SamplerName } from './tracing-config';
export { registerHttpServerSpans, UNTRACED_PATHS, HTTP_TRACER_NAME } from './http-server-spans';
