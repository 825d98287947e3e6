import { describe, expect, it } from 'vitest';
import { lexRange } from './lex-range';

const show = (b: Buffer) => [...b];
const bytes = (s: string, ...extra: number[]) => [...Buffer.from(s, 'utf8'), ...extra];

describe('lexRange', () => {
  it('covers every key without a prefix or cursor', () => {
    const { min, max } = lexRange(undefined, undefined);
    expect(min.toString()).toBe('-');
    expect(max.toString()).toBe('+');
  });

  it('starts strictly after the cursor key', () => {
    const { min, max } = lexRange('k10', undefined);
    expect(min.toString()).toBe('(k10');
    expect(max.toString()).toBe('+');
  });

  it('bounds a prefix by bytes: [prefix up to prefix followed by 0xFF', () => {
    const { min, max } = lexRange(undefined, 'ab');
    expect(show(min)).toEqual(bytes('[ab'));
    expect(show(max)).toEqual(bytes('(ab', 0xff));
  });

  it('keeps the cursor when it is inside the prefix range, and the prefix start when it is before it', () => {
    expect(lexRange('ab7', 'ab').min.toString()).toBe('(ab7');
    expect(lexRange('aa', 'ab').min.toString()).toBe('[ab');
  });

  it('encodes non-ASCII keys as UTF-8', () => {
    expect(show(lexRange('é', undefined).min)).toEqual(bytes('(é'));
  });
});
