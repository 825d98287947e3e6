import { describe, expect, it } from 'vitest';
import { HttpProblem, toErrorResponse } from '@freshet/telemetry';
import { AuthProblem, invalidCredential, requireScope, unauthenticated } from './auth-problem';
import { redactUrlCredentials } from './log-redaction';
import type { Principal } from './principal';

const principal: Principal = { subject: 's', tenant: 'acme', scopes: new Set(['sources:read']), kind: 'jwt', credentialId: 'j' };

describe('auth problems', () => {
  it('are HttpProblems, so the error handler answers { error, message }', () => {
    const problem = invalidCredential('TOKEN_EXPIRED', 'the token has expired');
    expect(problem).toBeInstanceOf(HttpProblem);
    expect(toErrorResponse(problem)).toEqual({ status: 401, body: { error: 'TOKEN_EXPIRED', message: 'the token has expired' } });
  });

  it('carry the WWW-Authenticate challenge of RFC 6750', () => {
    expect(unauthenticated('send a token').headers).toEqual({ 'www-authenticate': 'Bearer realm="freshet"' });
    expect(invalidCredential('X', 'bad "quoted" \\ text\n').headers['www-authenticate']).toBe(
      'Bearer realm="freshet", error="invalid_token", error_description="bad quoted  text"',
    );
  });

  it('requireScope passes a granted scope and answers 403 MISSING_SCOPE otherwise', () => {
    expect(() => requireScope(principal, 'sources:read')).not.toThrow();
    let error: unknown;
    try {
      requireScope(principal, 'admin:write');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthProblem);
    expect(toErrorResponse(error).status).toBe(403);
    expect((error as AuthProblem).code).toBe('MISSING_SCOPE');
    expect((error as AuthProblem).message).toContain('admin:write');
    expect((error as AuthProblem).headers['www-authenticate']).toBe('Bearer realm="freshet", error="insufficient_scope", scope="admin:write"');
  });
});

describe('URL redaction for logs', () => {
  it('hides tickets and tokens in query strings, and nothing else', () => {
    expect(redactUrlCredentials('/v1/tenants/acme/stream?channel=tenant&ticket=abc_-123&lastEventId=1')).toBe('/v1/tenants/acme/stream?channel=tenant&ticket=[redacted]&lastEventId=1');
    expect(redactUrlCredentials('/x?token=a.b.c')).toBe('/x?token=[redacted]');
    expect(redactUrlCredentials('/x?ACCESS_TOKEN=a.b.c#frag')).toBe('/x?ACCESS_TOKEN=[redacted]#frag');
    expect(redactUrlCredentials('/x?mytoken=1&ticketing=2')).toBe('/x?mytoken=1&ticketing=2');
  });
});
