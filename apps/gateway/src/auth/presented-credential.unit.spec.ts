import { describe, expect, it } from 'vitest';
import { HttpProblem } from '@freshet/telemetry';
import { presentedCredential, type CredentialRequest } from './presented-credential';

const request = (overrides: Partial<CredentialRequest> = {}): CredentialRequest => ({ method: 'GET', headers: {}, query: {}, ...overrides });
const refusal = (req: CredentialRequest, allowTicket = false) => {
  try {
    presentedCredential(req, { allowTicket });
  } catch (error) {
    if (error instanceof HttpProblem) return `${error.statusCode} ${error.code}`;
    throw error;
  }
  return 'no problem';
};

describe('the credential a request presents', () => {
  it('is nothing when there is nothing', () => {
    expect(presentedCredential(request())).toBeUndefined();
  });

  it('tells a bearer API key (fsk_) from a bearer JWT; the scheme is case-insensitive', () => {
    expect(presentedCredential(request({ headers: { authorization: 'Bearer h.p.s' } }))).toEqual({ kind: 'jwt', token: 'h.p.s' });
    expect(presentedCredential(request({ headers: { authorization: 'bearer fsk_ci_x' } }))).toEqual({ kind: 'api-key', key: 'fsk_ci_x' });
  });

  it('refuses other schemes and an empty bearer', () => {
    expect(refusal(request({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }))).toBe('401 UNSUPPORTED_AUTHORIZATION');
    expect(refusal(request({ headers: { authorization: 'Bearer ' } }))).toBe('401 UNSUPPORTED_AUTHORIZATION');
    expect(refusal(request({ headers: { authorization: 'Bearer a b' } }))).toBe('401 UNSUPPORTED_AUTHORIZATION');
  });

  it('honours the header first, then a ticket, then the cookie', () => {
    const all = request({ headers: { authorization: 'Bearer h.p.s', cookie: 'freshet_session=c.c.c' }, query: { ticket: 't' } });
    expect(presentedCredential(all, { allowTicket: true })).toEqual({ kind: 'jwt', token: 'h.p.s' });
    const noHeader = request({ headers: { cookie: 'freshet_session=c.c.c' }, query: { ticket: 't' } });
    expect(presentedCredential(noHeader, { allowTicket: true })).toEqual({ kind: 'ticket', ticket: 't', accepted: true });
    expect(presentedCredential(request({ headers: { cookie: 'freshet_session=c.c.c' } }))).toEqual({ kind: 'cookie', token: 'c.c.c' });
  });

  it('marks a ticket not accepted unless the route allows tickets and the method is GET', () => {
    expect(presentedCredential(request({ query: { ticket: 't' } }))).toEqual({ kind: 'ticket', ticket: 't', accepted: false });
    expect(presentedCredential(request({ method: 'POST', query: { ticket: 't' } }), { allowTicket: true })).toEqual({ kind: 'ticket', ticket: 't', accepted: false });
    expect(refusal(request({ query: { ticket: ['a', 'b'] } }), true)).toBe('400 TICKET_NOT_ACCEPTED');
  });

  it('refuses long-lived credentials in the URL, whatever else is sent', () => {
    expect(refusal(request({ query: { token: 'h.p.s' } }))).toBe('400 CREDENTIAL_IN_URL');
    expect(refusal(request({ query: { access_token: 'h.p.s' }, headers: { authorization: 'Bearer h.p.s' } }))).toBe('400 CREDENTIAL_IN_URL');
  });
});
