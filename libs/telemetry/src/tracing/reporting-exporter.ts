// Wraps the span exporter so its failures reach the service's log, throttled. The SDK only
// reports them through its own diagnostics channel (silent unless set up), so without this
// a wrong endpoint would go unnoticed; with every failure logged, a dead collector would
// flood the logs. What is logged: the endpoint's origin and the error's message, never the
// export headers (they may carry a collector's API key).
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import { ExportFailureThrottle } from './export-failure-throttle';

const MAX_MESSAGE = 300;

export class ReportingExporter implements SpanExporter {
  private readonly throttle: ExportFailureThrottle;

  constructor(
    private readonly inner: SpanExporter,
    private readonly options: { logger: Logger; endpoint: string; intervalMs: number; now?: () => number },
  ) {
    this.throttle = new ExportFailureThrottle(options.intervalMs, options.now);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        if (this.throttle.succeeded()) this.options.logger.info({ endpoint: this.options.endpoint }, 'trace export works again');
      } else {
        const report = this.throttle.failed(spans.length);
        if (report) {
          this.options.logger.warn(
            { endpoint: this.options.endpoint, ...report, error: (result.error?.message ?? 'unknown error').slice(0, MAX_MESSAGE), logIntervalMs: this.options.intervalMs },
            'trace export failed; the spans were dropped (logged at most once per interval)',
          );
        }
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
