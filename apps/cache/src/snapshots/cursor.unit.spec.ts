import { describe, expect, it } from 'vitest';
import { HttpProblem } from '@freshet/telemetry';
import { decodeCursor, encodeCursor, type SnapshotCursor } from './cursor';

const expectBad = (text: string) => {
  try {
    decodeCursor(text);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    expect((error as HttpProblem).statusCode).toBe(400);
    expect((error as HttpProblem).code).toBe('BAD_CURSOR');
    return;
  }
  throw new Error(`cursor ${text} was accepted`);
};
const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('snapshot cursor', () => {
  it("round-trips the walk's position, origin and last key, URL-safe", () => {
    const cursors: SnapshotCursor[] = [
      { seq: 42, after: 'ké y/+?', epoch: 'e1', origin: 'cache', incarnation: '' },
      { seq: 0, after: 'a', epoch: 'e2', origin: 'database', incarnation: 'r-1' },
    ];
    for (const cursor of cursors) {
      const text = encodeCursor(cursor);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(text)).toEqual(cursor);
    }
  });

  it('refuses anything it did not make', () => {
    expectBad('not a cursor!');
    expectBad(encoded({ seq: 1 }));
    expectBad(encoded([1, 'a'])); // an older cursor's shape
    expectBad(encoded([-1, 'a', 'e', 'c', '']));
    expectBad(encoded([1.5, 'a', 'e', 'c', '']));
    expectBad(encoded([1, '', 'e', 'c', '']));
    expectBad(encoded([1, 2, 'e', 'c', '']));
    expectBad(encoded([1, 'a', '', 'c', '']));
    expectBad(encoded([1, 'a', 'e', 'x', '']));
    expectBad(encoded([1, 'a', 'e', 'c', 5]));
    expectBad('YWJj'); // "abc": not JSON
  });
});
