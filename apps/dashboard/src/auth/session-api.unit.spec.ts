import { describe, expect, it } from 'vitest';
import { msUntilExpiry, parseSessionAnswer } from './session-api';

describe('parseSessionAnswer', () => {
  it('reads a session', () => {
    expect(parseSessionAnswer(200, { tenant: 'demo', scopes: ['sources:read'], expiresAt: '2030-01-01T00:00:00.000Z' })).toEqual({
      ok: true,
      session: { tenant: 'demo', scopes: ['sources:read'], expiresAt: '2030-01-01T00:00:00.000Z' },
    });
    expect(parseSessionAnswer(200, { tenant: 'demo', scopes: [], expiresAt: null })).toMatchObject({ ok: true, session: { expiresAt: null } });
  });

  it("passes the gateway's refusal on, and names a status without a body", () => {
    expect(parseSessionAnswer(401, { error: 'TOKEN_EXPIRED', message: 'the token expired' })).toEqual({ ok: false, status: 401, code: 'TOKEN_EXPIRED', message: 'the token expired' });
    expect(parseSessionAnswer(502, undefined)).toEqual({ ok: false, status: 502, code: 'HTTP_502', message: 'the gateway answered 502' });
  });

  it('refuses a 200 that is not a session', () => {
    expect(parseSessionAnswer(200, { tenant: 'demo' })).toMatchObject({ ok: false, code: 'BAD_SESSION_ANSWER' });
    expect(parseSessionAnswer(200, '<html>')).toMatchObject({ ok: false, code: 'BAD_SESSION_ANSWER' });
  });
});

describe('msUntilExpiry', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('counts down to the expiry, never below zero, within what setTimeout takes', () => {
    expect(msUntilExpiry({ tenant: 't', scopes: [], expiresAt: '2024-05-01T12:00:30Z' }, now)).toBe(30_000);
    expect(msUntilExpiry({ tenant: 't', scopes: [], expiresAt: '2024-05-01T11:00:00Z' }, now)).toBe(0);
    expect(msUntilExpiry({ tenant: 't', scopes: [], expiresAt: '2099-01-01T00:00:00Z' }, now)).toBe(2 ** 31 - 1);
    expect(msUntilExpiry({ tenant: 't', scopes: [], expiresAt: null }, now)).toBeUndefined();
  });
});
