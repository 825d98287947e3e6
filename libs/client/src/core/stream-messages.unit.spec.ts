import { describe, expect, it } from 'vitest';
import { contentUpserted, EPOCH } from '../testing/events';
import { classifyMessage } from './stream-messages';

const event = contentUpserted('orders', 'k1', { name: 'x' });

describe('SSE messages of the gateway', () => {
  it('reads ready: its id (the client position) and where live delivery continues', () => {
    expect(classifyMessage({ id: `${EPOCH}:5`, event: 'ready', data: JSON.stringify({ channels: ['source:orders'], position: `${EPOCH}:9` }) })).toEqual({
      kind: 'ready',
      position: { epoch: EPOCH, seq: 5 },
      live: { epoch: EPOCH, seq: 9 },
      channels: ['source:orders'],
    });
    // A connect that resets sends ready without an id.
    expect(classifyMessage({ event: 'ready', data: JSON.stringify({ channels: [], position: `${EPOCH}:9` }) })).toMatchObject({ kind: 'ready', position: undefined });
  });

  it('reads reset with its reason and position (from data, else the id)', () => {
    expect(classifyMessage({ id: `${EPOCH}:9`, event: 'reset', data: JSON.stringify({ reason: 'replay_limit', position: `${EPOCH}:9` }) })).toEqual({
      kind: 'reset',
      reason: 'replay_limit',
      position: { epoch: EPOCH, seq: 9 },
    });
    expect(classifyMessage({ id: 'e2:4', event: 'reset', data: '{}' })).toEqual({ kind: 'reset', reason: 'unknown', position: { epoch: 'e2', seq: 4 } });
  });

  it('reads disconnect and auth-expired, even with odd data', () => {
    expect(classifyMessage({ event: 'disconnect', data: JSON.stringify({ reason: 'slow_client' }) })).toEqual({ kind: 'disconnect', reason: 'slow_client' });
    expect(classifyMessage({ event: 'auth-expired', data: JSON.stringify({ reason: 'credential_expired', expiresAt: '2026-01-01T00:00:00Z' }) })).toEqual({
      kind: 'auth-expired',
      expiresAt: '2026-01-01T00:00:00Z',
    });
    expect(classifyMessage({ event: 'auth-expired', data: 'garbage' })).toEqual({ kind: 'auth-expired' });
  });

  it('reads a Freshet event with its position', () => {
    expect(classifyMessage({ id: `${EPOCH}:12`, event: 'content.updated', data: JSON.stringify(event) })).toEqual({ kind: 'event', position: { epoch: EPOCH, seq: 12 }, event });
    expect(classifyMessage({ id: `${EPOCH}:12`, data: JSON.stringify(event) })).toMatchObject({ kind: 'event' });
  });

  it.each([
    ['no id', { event: 'content.updated', data: JSON.stringify(event) }, undefined],
    ['a bad id', { id: 'nonsense', event: 'content.updated', data: JSON.stringify(event) }, undefined],
    ['data that is not JSON', { id: `${EPOCH}:3`, event: 'content.updated', data: '{"type":' }, 3],
    ['an unknown event type', { id: `${EPOCH}:3`, event: 'content.teleported', data: JSON.stringify({ ...event, type: 'content.teleported' }) }, 3],
    ['an event failing its schema', { id: `${EPOCH}:3`, event: 'content.updated', data: JSON.stringify({ ...event, data: { key: '' } }) }, 3],
    ['a name that is not its type', { id: `${EPOCH}:3`, event: 'content.deleted', data: JSON.stringify(event) }, 3],
  ])('calls an event with %s malformed', (_label, message, seq) => {
    const result = classifyMessage(message);
    expect(result.kind).toBe('malformed');
    expect(result.kind === 'malformed' && result.position?.seq).toBe(seq ?? undefined);
  });
});
