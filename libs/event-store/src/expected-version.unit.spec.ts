// The optimistic-concurrency rule, as a table of accepted and rejected cases.
import { describe, expect, it } from 'vitest';
import { InvalidAppendError, WrongExpectedVersionError } from './errors';
import { assertExpectedVersion, assertExpectedVersionShape } from './expected-version';

describe('expected version', () => {
  it.each([
    ['any', 0],
    ['any', 7],
    ['no_stream', 0],
    [0, 0],
    [3, 3],
  ] as const)('accepts %s against a stream at %i', (expected, current) => {
    expect(() => assertExpectedVersion('s', expected, current)).not.toThrow();
  });

  it.each([
    ['no_stream', 1],
    [2, 3],
    [4, 3],
  ] as const)('rejects %s against a stream at %i with the actual version', (expected, current) => {
    expect(() => assertExpectedVersion('s', expected, current)).toThrow(WrongExpectedVersionError);
    try {
      assertExpectedVersion('s', expected, current);
    } catch (error) {
      expect(error).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', streamId: 's', expected, actual: current });
    }
  });

  it('rejects impossible expected versions', () => {
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => assertExpectedVersionShape(bad)).toThrow(InvalidAppendError);
  });
});
