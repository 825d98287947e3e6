import { describe, expect, it } from 'vitest';
import { applyPageFaults, malformBody, takeRequestFault } from './faults';
import { seedItems } from './seed-items';

const items = seedItems(42, 3);

describe('takeRequestFault', () => {
  it('drops first, then fails, each counting down and vanishing at zero', () => {
    let faults = { dropConnectionNext: 1, failNext: { count: 2, status: 502 as const, retryAfterSeconds: 3 }, latencyMs: 10 };
    const seen: unknown[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { fault, rest } = takeRequestFault(faults);
      seen.push(fault);
      faults = rest as typeof faults;
    }
    expect(seen).toEqual([
      { kind: 'drop' },
      { kind: 'fail', status: 502, retryAfterSeconds: 3 },
      { kind: 'fail', status: 502, retryAfterSeconds: 3 },
      undefined,
    ]);
    expect(faults).toEqual({ latencyMs: 10 });
  });
});

describe('applyPageFaults', () => {
  it('leaves a page alone without faults', () => {
    expect(applyPageFaults(items, 1, { latencyMs: 5 })).toEqual({ records: items, malformed: false, faulted: false });
  });

  it('repeats the first item of the chosen page at its end', () => {
    const page = applyPageFaults(items, 2, { duplicateIdsOnPage: 2 });
    expect(page.records).toEqual([...items, items[0]]);
    expect(page.faulted).toBe(true);
    expect(applyPageFaults(items, 1, { duplicateIdsOnPage: 2 }).faulted).toBe(false);
    expect(applyPageFaults([], 2, { duplicateIdsOnPage: 2 }).faulted).toBe(false);
  });

  it('renames the primary key on pages after the shape change, keeping every other field', () => {
    const page = applyPageFaults(items, 3, { shapeChangeAfterPage: 2 });
    const { id, ...rest } = items[0]!;
    expect(page.records[0]).toEqual({ item_id: id, ...rest });
    expect(page.records[0]).not.toHaveProperty('id');
    expect(applyPageFaults(items, 2, { shapeChangeAfterPage: 2 }).faulted).toBe(false);
    expect(applyPageFaults(items, 1, { shapeChangeAfterPage: 0 }).faulted).toBe(true);
  });

  it('flags malformed pages', () => {
    expect(applyPageFaults(items, 4, { malformedPages: [1, 4] })).toMatchObject({ malformed: true, faulted: true });
    expect(applyPageFaults(items, 2, { malformedPages: [1, 4] }).malformed).toBe(false);
  });
});

describe('malformBody', () => {
  it.each([['[]'], ['{"items":[],"next_cursor":null}'], [JSON.stringify(items)]])('makes %s invalid JSON', (body) => {
    const broken = malformBody(body);
    expect(broken.length).toBeGreaterThan(0);
    expect(() => JSON.parse(broken)).toThrow();
  });
});
