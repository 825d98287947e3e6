import { describe, expect, it } from 'vitest';
import { coalesceFrames, type CoalescibleFrame } from './coalesce';

let seq = 0;
const f = (type: string, key?: string, source = 'orders'): CoalescibleFrame => ({ seq: ++seq, type, source, key });
const seqs = (frames: CoalescibleFrame[]) => frames.map((x) => x.seq);

describe('coalesceFrames', () => {
  it('keeps only the last of successive updates of one record, in stream order', () => {
    const a1 = f('content.updated', 'a');
    const b1 = f('content.updated', 'b');
    const a2 = f('content.updated', 'a');
    const a3 = f('content.updated', 'a');
    const result = coalesceFrames([a1, b1, a2, a3]);
    expect(seqs(result.frames)).toEqual([b1.seq, a3.seq]);
    expect(result.merged).toBe(2);
  });

  it('replaces a created record by its later update', () => {
    const c = f('content.created', 'a');
    const u = f('content.updated', 'a');
    expect(coalesceFrames([c, u])).toEqual({ frames: [u], merged: 1 });
  });

  it('never merges across a delete, nor an update into a later create', () => {
    const u1 = f('content.updated', 'a');
    const d = f('content.deleted', 'a');
    const c = f('content.created', 'a');
    const u2 = f('content.updated', 'a');
    const result = coalesceFrames([u1, d, c, u2]);
    expect(seqs(result.frames)).toEqual([u1.seq, d.seq, u2.seq]);
    expect(result.merged).toBe(1);

    const before = f('content.updated', 'z');
    const created = f('content.created', 'z');
    expect(coalesceFrames([before, created]).merged).toBe(0);
  });

  it('tells records of different sources apart and keeps non-content events', () => {
    const a = f('content.updated', 'k', 'orders');
    const b = f('content.updated', 'k', 'users');
    const job = f('job.started');
    const status = f('source.status');
    const result = coalesceFrames([a, job, b, status]);
    expect(seqs(result.frames)).toEqual([a.seq, job.seq, b.seq, status.seq]);
    expect(result.merged).toBe(0);
  });

  it('is a no-op on an empty window', () => {
    expect(coalesceFrames([])).toEqual({ frames: [], merged: 0 });
  });
});
