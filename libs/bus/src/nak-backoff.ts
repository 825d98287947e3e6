// How long to wait before redelivering a message whose handler threw: doubling from 1 s
// and capped at 30 s, so a failing dependency is retried promptly but never hammered.

export const NAK_BASE_DELAY_MS = 1_000;
export const NAK_MAX_DELAY_MS = 30_000;

/** Delay for the redelivery after delivery number `deliveryCount` (1 = first delivery) failed. */
export function nakDelayMs(deliveryCount: number, baseMs = NAK_BASE_DELAY_MS, maxMs = NAK_MAX_DELAY_MS): number {
  const attempt = Number.isFinite(deliveryCount) ? Math.max(1, Math.floor(deliveryCount)) : 1;
  // Cap the exponent too, so a huge count cannot overflow to Infinity.
  return Math.min(baseMs * 2 ** Math.min(attempt - 1, 30), maxMs);
}
