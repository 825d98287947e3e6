import { describe, expect, it } from 'vitest';
import { runReadinessChecks } from './readiness';

describe('runReadinessChecks', () => {
  it('fails a check that hangs past the deadline', async () => {
    const report = await runReadinessChecks({ hung: () => new Promise(() => undefined) }, 50);
    expect(report.status).toBe('not_ready');
    expect(report.checks['hung']?.error).toMatch(/no answer within 50 ms/);
  });
});
