import { describe, expect, it } from 'vitest';
import { connectionLabel } from '../i18n/messages';
import { connectionTone, offersReconnect, secondsUntilRetry } from './connection-view';

describe('connection indicator', () => {
  it('says Canlı / Live when live, and names the other states in both languages', () => {
    expect(connectionLabel('live', 'tr')).toBe('Canlı');
    expect(connectionLabel('live', 'en')).toBe('Live');
    expect(connectionLabel('reconnecting', 'tr')).toBe('Yeniden bağlanıyor…');
    expect(connectionLabel('offline', 'en')).toBe('Offline');
    expect(connectionLabel('auth-expired', 'en')).toBe('Session expired');
  });

  it('colours live ok, attempts busy, offline and expiry bad', () => {
    expect(connectionTone('live')).toBe('ok');
    expect(connectionTone('reconnecting')).toBe('busy');
    expect(connectionTone('offline')).toBe('bad');
    expect(connectionTone('auth-expired')).toBe('bad');
  });

  it('offers "reconnect now" when offline or waiting, never for an expired session', () => {
    expect(offersReconnect('offline')).toBe(true);
    expect(offersReconnect('reconnecting')).toBe(true);
    expect(offersReconnect('auth-expired')).toBe(false);
    expect(offersReconnect('live')).toBe(false);
  });

  it('counts the seconds to the next attempt, rounded up, only while reconnecting', () => {
    expect(secondsUntilRetry({ state: 'reconnecting', nextRetryAt: 10_500 }, 8_000)).toBe(3);
    expect(secondsUntilRetry({ state: 'reconnecting', nextRetryAt: 1_000 }, 8_000)).toBe(0);
    expect(secondsUntilRetry({ state: 'offline', nextRetryAt: 10_500 }, 8_000)).toBeUndefined();
  });
});
