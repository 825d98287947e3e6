// ESI's error limit: every 4xx/5xx answer spends one unit of a budget of `errorLimit` per
// window of `errorWindowSeconds`; at zero, every request is refused with 420 until the
// window ends. Windows are aligned to multiples of their length since the epoch (as ESI's
// are to the minute), so X-ESI-Error-Limit-Reset counts down the same for every client.

export interface ErrorLimit {
  errorLimit: number;
  errorWindowSeconds: number;
}

export interface ErrorBudgetStatus {
  /** Errors left in this window (X-ESI-Error-Limit-Remain). */
  remain: number;
  /** Whole seconds until the window resets (X-ESI-Error-Limit-Reset), 1..window. */
  resetSeconds: number;
}

export class ErrorBudget {
  private windowStartMs = Number.NEGATIVE_INFINITY;
  private spent = 0;

  constructor(private readonly limit: ErrorLimit) {}

  status(nowMs: number): ErrorBudgetStatus {
    this.roll(nowMs);
    const windowMs = this.limit.errorWindowSeconds * 1000;
    return {
      remain: Math.max(0, this.limit.errorLimit - this.spent),
      resetSeconds: Math.min(
        this.limit.errorWindowSeconds,
        Math.max(1, Math.ceil((this.windowStartMs + windowMs - nowMs) / 1000)),
      ),
    };
  }

  exhausted(nowMs: number): boolean {
    return this.status(nowMs).remain === 0;
  }

  /** Spends one unit for an error answer (never below zero). */
  spend(nowMs: number): void {
    this.roll(nowMs);
    this.spent = Math.min(this.limit.errorLimit, this.spent + 1);
  }

  private roll(nowMs: number): void {
    const windowMs = this.limit.errorWindowSeconds * 1000;
    const start = Math.floor(nowMs / windowMs) * windowMs;
    // Only forward: a clock set back stays in the current window.
    if (start > this.windowStartMs) {
      this.windowStartMs = start;
      this.spent = 0;
    }
  }
}
