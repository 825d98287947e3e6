import { describe, expect, it } from 'vitest';
import { contentUpserted, EPOCH, jobCompleted } from '../testing/events';
import { sequenceEvents, type PositionedEvent } from './event-sequence';

const at = (seq: number, epoch = EPOCH) => ({ epoch, seq });
const ours = (seq: number, epoch = EPOCH): PositionedEvent => ({ position: at(seq, epoch), event: contentUpserted('orders', `k${seq}`, { n: seq }) });
const theirs = (seq: number): PositionedEvent => ({ position: at(seq), event: contentUpserted('users', `u${seq}`, { n: seq }) });
const isOrders = (event: PositionedEvent['event']) => event.source === 'orders';

describe('sequenceEvents', () => {
  it('keeps the model’s events after its position, in order, and counts the repeats', () => {
    const result = sequenceEvents(at(5), [ours(4), ours(5), theirs(6), ours(7), ours(7), ours(9)], isOrders);
    expect(result.fresh.map((e) => e.position.seq)).toEqual([7, 9]);
    expect(result).toMatchObject({ applied: at(9), duplicates: 3, needsReload: false });
  });

  it('stops at another epoch: what came before it is kept, nothing after it', () => {
    const result = sequenceEvents(at(5), [ours(6), ours(1, 'other-epoch'), ours(7)], isOrders);
    expect(result.fresh.map((e) => e.position.seq)).toEqual([6]);
    expect(result).toMatchObject({ applied: at(6), needsReload: true });
  });

  it('ignores other events entirely, even of another epoch, and keeps the same position object when nothing is new', () => {
    const applied = at(5);
    const other = { position: at(1, 'other-epoch'), event: jobCompleted('users', 'job-1') };
    const result = sequenceEvents(applied, [theirs(6), other], isOrders);
    expect(result).toEqual({ fresh: [], applied, duplicates: 0, needsReload: false });
    expect(result.applied).toBe(applied);
  });
});
