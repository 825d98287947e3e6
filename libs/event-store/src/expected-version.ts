// The optimistic-concurrency rule, kept pure: does a stream at `current` satisfy what the
// caller expected? Versions start at 1; a stream that does not exist is at 0.
import { InvalidAppendError, WrongExpectedVersionError, type ExpectedVersion } from './errors';

export const NO_STREAM_VERSION = 0;

export function assertExpectedVersionShape(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no_stream') return;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new InvalidAppendError(`expectedVersion must be 'any', 'no_stream' or an integer >= 0, got ${String(expected)}`);
  }
}

export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  if (expected === 'any') return;
  const wanted = expected === 'no_stream' ? NO_STREAM_VERSION : expected;
  if (wanted !== current) throw new WrongExpectedVersionError(streamId, expected, current);
}
