// A task run every interval until stopped; stop() waits for a run in progress.
import type { Logger } from '@freshet/telemetry';

export function every(intervalMs: number, name: string, task: () => Promise<unknown>, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .catch((error: unknown) => logger.warn({ err: error, task: name }, 'periodic task failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
