import { describe, expect, it } from 'vitest';
import { decideBudget } from './request-budget';

const resetAt = new Date('2026-11-26T00:00:00Z');
const status = (spent: number, limit = 1000) => ({ limit, spent, remaining: Math.max(0, limit - spent), resetAt });

describe('decideBudget', () => {
  it('lets everything run while more than the reserve is left', () => {
    expect(decideBudget(status(700), 0.2, 3)).toEqual({ run: true });
  });

  it('makes background and normal work wait once only the reserve is left, until the reset', () => {
    expect(decideBudget(status(800), 0.2, 3)).toMatchObject({ run: false, waitUntil: resetAt, reason: expect.stringMatching(/200 of 1000/) });
    expect(decideBudget(status(950), 0.2, 5).run).toBe(false);
  });

  it('still runs a job a user is waiting for, even past the reserve', () => {
    expect(decideBudget(status(990), 0.2, 10)).toEqual({ run: true });
    expect(decideBudget(status(1200), 0.2, 10)).toEqual({ run: true });
  });
});
