import { describe, expect, it } from 'vitest';
import { AuthProblem } from './auth-problem';
import { checkCookieCsrf, clearedSessionCookie, readSessionCookie, sessionCookie } from './session-cookie';

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, Path=/, Secure as configured, and expires with the token', () => {
    const now = 1_700_000_000_000;
    const cookie = sessionCookie('h.p.s', { expiresAt: now + 3_600_500, now, secure: true });
    expect(cookie.split('; ').sort()).toEqual(['HttpOnly', 'Max-Age=3600', 'Path=/', 'SameSite=Strict', 'Secure', 'freshet_session=h.p.s'].sort());
    expect(sessionCookie('h.p.s', { expiresAt: now + 1000, now, secure: false })).not.toContain('Secure');
    expect(sessionCookie('h.p.s', { expiresAt: now - 1000, now, secure: false })).toContain('Max-Age=0');
  });

  it('is cleared with the same attributes, empty and expired', () => {
    const cleared = clearedSessionCookie(true);
    expect(cleared).toMatch(/^freshet_session=; /);
    expect(cleared).toContain('Max-Age=0');
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(cleared).toContain('HttpOnly');
    expect(cleared).toContain('SameSite=Strict');
  });

  it('is read from the Cookie header among others', () => {
    expect(readSessionCookie({ cookie: 'a=1; freshet_session=h.p.s; b=2' })).toBe('h.p.s');
    expect(readSessionCookie({ cookie: 'a=1' })).toBeUndefined();
    expect(readSessionCookie({ cookie: 'freshet_session=' })).toBeUndefined();
    expect(readSessionCookie({})).toBeUndefined();
  });
});

describe('CSRF rule for cookie-authenticated requests', () => {
  const outcome = (method: string, headers: Record<string, string> = {}) => {
    try {
      checkCookieCsrf(method, headers);
      return 'allowed';
    } catch (error) {
      if (error instanceof AuthProblem) return `${error.statusCode} ${error.code}`;
      throw error;
    }
  };

  it('lets GET and HEAD through', () => {
    expect(outcome('GET')).toBe('allowed');
    expect(outcome('HEAD')).toBe('allowed');
  });

  it('requires x-freshet-csrf: 1 on anything else', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(outcome(method)).toBe('403 CSRF_HEADER_REQUIRED');
      expect(outcome(method, { 'x-freshet-csrf': 'true' })).toBe('403 CSRF_HEADER_REQUIRED');
      expect(outcome(method, { 'x-freshet-csrf': '1' })).toBe('allowed');
    }
  });
});
