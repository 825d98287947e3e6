import { describe, expect, it } from 'vitest';
import { freshnessLabel } from '../i18n/messages';
import { badgeFreshness, retryAction, showsBadge } from './widget-state';

describe('badge labels', () => {
  it('names every freshness in Turkish and English', () => {
    const states = ['cached', 'stale', 'revalidating', 'fresh', 'error'] as const;
    expect(states.map((s) => freshnessLabel(s, 'tr'))).toEqual(['Önbellek', 'Eski', 'Güncelleniyor…', 'Güncel ✓', 'Hata']);
    expect(states.map((s) => freshnessLabel(s, 'en'))).toEqual(['Cache', 'Stale', 'Updating…', 'Fresh ✓', 'Error']);
  });
});

describe('widget state', () => {
  it('shows a failed snapshot as an error whatever the freshness was', () => {
    expect(badgeFreshness({ status: 'error', freshness: 'cached' })).toBe('error');
    expect(badgeFreshness({ status: 'ready', freshness: 'stale' })).toBe('stale');
    expect(badgeFreshness({ status: 'loading', freshness: 'revalidating' })).toBe('revalidating');
  });

  it('has no badge before the first snapshot, and keeps it while a reload runs over data', () => {
    expect(showsBadge({ status: 'loading', records: [] })).toBe(false);
    expect(showsBadge({ status: 'idle', records: [] })).toBe(false);
    expect(showsBadge({ status: 'loading', records: [{ key: 'a', record: {} }] })).toBe(true);
    expect(showsBadge({ status: 'error', records: [] })).toBe(true);
  });

  it('retries a failed snapshot by reloading it, a failed sync by asking for another', () => {
    expect(retryAction({ status: 'error', freshness: 'cached' })).toBe('reload');
    expect(retryAction({ status: 'ready', freshness: 'error' })).toBe('refresh');
    expect(retryAction({ status: 'ready', freshness: 'fresh' })).toBeUndefined();
  });
});
