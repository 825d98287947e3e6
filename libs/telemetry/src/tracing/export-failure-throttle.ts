// Decides when a failing trace export is worth a log line: the first failure at once, then
// at most one line per interval with what was lost meanwhile, and one line when exports
// work again. A collector that is down for an hour must not flood the service's own logs
// (or become the loudest thing in them). Pure: the clock is passed in.

export interface FailureReport {
  /** Failed exports since the last report (this one included). */
  failures: number;
  /** Spans in those exports, all dropped. */
  droppedSpans: number;
}

export class ExportFailureThrottle {
  private failures = 0;
  private droppedSpans = 0;
  private lastReportAt: number | undefined;
  private failing = false;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** An export failed: what to log now, or undefined to stay quiet (it is counted for the next report). */
  failed(spans: number): FailureReport | undefined {
    this.failing = true;
    this.failures += 1;
    this.droppedSpans += spans;
    const at = this.now();
    if (this.lastReportAt !== undefined && at - this.lastReportAt < this.intervalMs) return undefined;
    this.lastReportAt = at;
    const report = { failures: this.failures, droppedSpans: this.droppedSpans };
    this.failures = 0;
    this.droppedSpans = 0;
    return report;
  }

  /** An export worked: true once after a run of failures (say it recovered), false otherwise. */
  succeeded(): boolean {
    if (!this.failing) return false;
    this.failing = false;
    this.failures = 0;
    this.droppedSpans = 0;
    return true;
  }
}
