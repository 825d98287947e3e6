import { describe, expect, it } from 'vitest';
import { HttpProblem } from '@freshet/telemetry';
import { decodeCursor, encodeCursor } from './cursor';

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

describe('snapshot cursor', () => {
  it('round-trips the walk\'s sequence and last key, URL-safe', () => {
    const text = encodeCursor({ seq: 42, after: 'ké y/+?' });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual({ seq: 42, after: 'ké y/+?' });
  });

  it('refuses anything it did not make', () => {
    expectBad('not a cursor!');
    expectBad(Buffer.from('{"seq":1}').toString('base64url'));
    expectBad(Buffer.from('[-1,"a"]').toString('base64url'));
    expectBad(Buffer.from('[1.5,"a"]').toString('base64url'));
    expectBad(Buffer.from('[1,""]').toString('base64url'));
    expectBad(Buffer.from('[1,2]').toString('base64url'));
    expectBad('YWJj'); // "abc": not JSON
  });
});
