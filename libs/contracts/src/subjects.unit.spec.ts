import { describe, expect, it } from 'vitest';
import {
  EVENT_FAMILIES,
  InvalidSubjectError,
  InvalidSubjectTokenError,
  allEventsSubject,
  eventFilter,
  eventSubject,
  parseEventSubject,
  parseSyncCommandSubject,
  subjectForEvent,
  syncCommandSubject,
  PRIORITY_TIERS,
  type EventFamily,
} from './index';

describe('event subjects', () => {
  it('round-trips every family and action', () => {
    for (const family of Object.keys(EVENT_FAMILIES) as EventFamily[]) {
      for (const action of EVENT_FAMILIES[family]) {
        const parts = { tenant: 'acme-1', source: 'orders_eu', family, action };
        const subject = eventSubject('freshet', parts);
        expect(subject).toBe(`freshet.evt.acme-1.orders_eu.${family}.${action}`);
        expect(parseEventSubject('freshet', subject)).toEqual(parts);
      }
    }
  });

  it('builds the subject of an event from its type', () => {
    expect(subjectForEvent('fx', { tenant: 't', source: 's', type: 'content.deleted' })).toBe('fx.evt.t.s.content.deleted');
  });

  it.each(['a.b', 'a*', '>', 'has space', '', 'x'.repeat(65), 'tab\t', 'ünï'])('refuses tenant token %j', (tenant) => {
    expect(() => eventSubject('freshet', { tenant, source: 's', family: 'content', action: 'created' })).toThrow(
      InvalidSubjectTokenError,
    );
  });

  it('names the bad field in the error', () => {
    expect(() => eventSubject('freshet', { tenant: 'ok', source: 'orders.*', family: 'content', action: 'created' })).toThrow(
      /source "orders\.\*" is not a valid subject token/,
    );
  });

  it.each([
    ['wrong prefix', 'other.evt.t.s.content.created'],
    ['too few tokens', 'freshet.evt.t.s.content'],
    ['too many tokens', 'freshet.evt.t.s.content.created.x'],
    ['not an event', 'freshet.cmd.t.s.content.created'],
    ['unknown family', 'freshet.evt.t.s.weather.created'],
    ['unknown action', 'freshet.evt.t.s.content.exploded'],
    ['wildcard tenant', 'freshet.evt.*.s.content.created'],
    ['empty token', 'freshet.evt..s.content.created'],
  ])('rejects a subject with %s', (_label, subject) => {
    expect(() => parseEventSubject('freshet', subject)).toThrow(InvalidSubjectError);
  });

  it('builds channel filters with wildcards only where asked', () => {
    expect(eventFilter('freshet', { tenant: 'acme', source: 'orders' })).toBe('freshet.evt.acme.orders.*.*');
    expect(eventFilter('freshet', { tenant: 'acme' })).toBe('freshet.evt.acme.*.*.*');
    expect(eventFilter('freshet', { tenant: 'acme', family: 'job' })).toBe('freshet.evt.acme.*.job.*');
    expect(allEventsSubject('freshet')).toBe('freshet.evt.>');
    expect(() => eventFilter('freshet', { tenant: '>' })).toThrow(InvalidSubjectTokenError);
  });
});

describe('sync command subjects', () => {
  it('round-trips every tier', () => {
    for (const tier of PRIORITY_TIERS) {
      expect(parseSyncCommandSubject('freshet', syncCommandSubject('freshet', tier))).toBe(tier);
    }
  });

  it('rejects unknown tiers and foreign subjects', () => {
    expect(() => parseSyncCommandSubject('freshet', 'freshet.cmd.sync.p7')).toThrow(InvalidSubjectError);
    expect(() => parseSyncCommandSubject('freshet', 'other.cmd.sync.p10')).toThrow(InvalidSubjectError);
    expect(() => syncCommandSubject('bad.prefix', 'p10')).toThrow(InvalidSubjectTokenError);
  });
});
