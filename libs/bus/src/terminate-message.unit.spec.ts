import { describe, expect, it } from 'vitest';
import { versionAtLeast } from './terminate-message';

describe('versionAtLeast', () => {
  it.each([
    ['2.9.10', false],
    ['2.10.22', false],
    ['2.11.0', true],
    ['2.12.1-beta', true],
    ['3.0.0', true],
    [undefined, false],
    ['garbage', false],
  ])('%s ≥ 2.11.0 → %s', (version, expected) => {
    expect(versionAtLeast(version, [2, 11, 0])).toBe(expected);
  });
});
