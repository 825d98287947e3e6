// Capped exponential backoff for a relay whose publishes keep failing: quick first
// retries for a blip, then at most one attempt per `maxMs` so a long outage of the bus
// is not hammered.
export function retryDelay(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  const exponent = Math.min(failures - 1, 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
