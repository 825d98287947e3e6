import { describe, expect, it } from 'vitest';
import { ExportFailureThrottle } from './export-failure-throttle';

describe('export failure throttle', () => {
  it('reports the first failure at once, then at most once per interval with what was lost meanwhile', () => {
    let now = 0;
    const throttle = new ExportFailureThrottle(60_000, () => now);
    expect(throttle.failed(10)).toEqual({ failures: 1, droppedSpans: 10 });
    now = 5_000;
    expect(throttle.failed(20)).toBeUndefined();
    now = 59_999;
    expect(throttle.failed(30)).toBeUndefined();
    now = 60_000;
    expect(throttle.failed(5)).toEqual({ failures: 3, droppedSpans: 55 });
    now = 61_000;
    expect(throttle.failed(1)).toBeUndefined();
  });

  it('says once that exports work again, and starts counting afresh', () => {
    let now = 0;
    const throttle = new ExportFailureThrottle(1_000, () => now);
    expect(throttle.succeeded()).toBe(false);
    throttle.failed(4);
    now = 10;
    throttle.failed(4);
    expect(throttle.succeeded()).toBe(true);
    expect(throttle.succeeded()).toBe(false);
    // A new failure inside the interval stays quiet; the next report counts only the new run.
    now = 20;
    expect(throttle.failed(2)).toBeUndefined();
    now = 1_000;
    expect(throttle.failed(3)).toEqual({ failures: 2, droppedSpans: 5 });
  });
});
