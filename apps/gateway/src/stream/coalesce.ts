// Which frames of one coalescing window are worth sending. A client that asked for a
// window (`?coalesce=<ms>`) wants fewer, later updates, not every intermediate state:
// of successive `content.updated` events of one record (or its `content.created` followed
// by updates) only the last is kept. Everything else — deletes, other records, job and
// status events — is kept as is, and the order of what remains is the stream's order,
// so ids still increase and resuming from the last one is still exact.

export interface CoalescibleFrame {
  seq: number;
  type: string;
  source: string;
  /** The record key of a content event; undefined for every other event. */
  key: string | undefined;
}

export interface CoalesceResult<F> {
  frames: F[];
  /** How many frames were merged away (superseded by a later update of their record). */
  merged: number;
}

export function coalesceFrames<F extends CoalescibleFrame>(frames: readonly F[]): CoalesceResult<F> {
  const kept: (F | undefined)[] = [];
  // Record → index in `kept` of its latest created/updated frame a later update may replace.
  const replaceable = new Map<string, number>();
  let merged = 0;
  for (const frame of frames) {
    const record = frame.key === undefined ? undefined : `${frame.source}\u0000${frame.key}`;
    if (record !== undefined && frame.type === 'content.updated') {
      const earlier = replaceable.get(record);
      if (earlier !== undefined) {
        kept[earlier] = undefined;
        merged += 1;
      }
      replaceable.set(record, kept.push(frame) - 1);
      continue;
    }
    kept.push(frame);
    if (record === undefined) continue;
    // A created record may be replaced by its next update; a delete ends the chain, so an
    // update after it (a re-created record) is never merged into what came before.
    if (frame.type === 'content.created') replaceable.set(record, kept.length - 1);
    else replaceable.delete(record);
  }
  return { frames: kept.filter((f): f is F => f !== undefined), merged };
}
