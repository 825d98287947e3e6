export { createLogger, loggerOptions, REDACTED_PATHS, type Logger } from './logger';
export { createServiceMetrics, type ServiceMetrics } from './metrics';
export { runReadinessChecks, type ReadinessCheck, type ReadinessReport, type CheckResult } from './readiness';
export { observabilityPlugin, type ObservabilityOptions } from './observability-plugin';
export { onShutdownSignal, exitOnStartupError } from './graceful-shutdown';
export { HttpProblem } from './http-problem';
export { registerErrorHandler, toErrorResponse } from './error-handler';
export * from './tracing/index';
