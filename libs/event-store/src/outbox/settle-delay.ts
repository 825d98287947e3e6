// After a NOTIFY the relay may find nothing readable yet: the event is committed but sits
// behind an older transaction that is still open somewhere in the database (see
// read-all.ts). Rather than wait a whole poll interval, it re-checks soon, backing off
// until the poll interval takes over. Returns 0 when there is nothing left to settle.
export const FIRST_SETTLE_MS = 25;

export function nextSettleDelay(currentMs: number, pollIntervalMs: number): number {
  const next = currentMs === 0 ? FIRST_SETTLE_MS : currentMs * 2;
  return next >= pollIntervalMs ? 0 : next;
}
