// A position in the global log as readers follow it: (transaction id, global position),
// both as decimal strings because xid8 and bigint overflow a JS number. Ordering by the
// pair, not by position alone, is what keeps readers from skipping late commits.
export interface Checkpoint {
  transactionId: string;
  position: string;
}

/** Before every event: reading after it starts from the beginning of the log. */
export const START_CHECKPOINT: Checkpoint = Object.freeze({ transactionId: '0', position: '0' });

/** Compares two checkpoints in log order: negative, zero or positive. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const tx = compareDecimal(a.transactionId, b.transactionId);
  return tx !== 0 ? tx : compareDecimal(a.position, b.position);
}

function compareDecimal(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
