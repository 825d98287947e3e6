import { describe, expect, it } from 'vitest';
import { subjectsOverlap } from './subject-overlap';

describe('subjectsOverlap', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.b', 'a.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.*.c', 'a.b.*', true],
    ['ft_x.evt.>', 'ft_y.evt.>', false],
    ['ft_x.evt.>', 'ft_x.cmd.sync.>', false],
    ['>', 'anything.at.all', true],
    ['*.evt.>', 'ft_x.evt.t.s.content.created', true],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(subjectsOverlap(a, b)).toBe(expected);
    expect(subjectsOverlap(b, a)).toBe(expected);
  });
});
