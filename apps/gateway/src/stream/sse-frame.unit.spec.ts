import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { FreshetEvent } from '@freshet/contracts';
import { eventFrame } from './event-frame';
import { HEARTBEAT_FRAME, formatFrame, retryFrame } from './sse-frame';

function parse(text: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (m) => out.push(m) });
  parser.feed(text);
  return out;
}

const updated = (record: Record<string, unknown>): FreshetEvent => ({
  id: randomUUID(),
  type: 'content.updated',
  tenant: 'acme',
  source: 'orders',
  time: '2030-01-01T00:00:00.000Z',
  data: { key: 'k\n1', hash: 'h2', previousHash: 'h1', record, jobId: randomUUID() },
});

describe('SSE frames', () => {
  it('frames an event as one id/event/data frame, whatever line breaks its data holds', () => {
    const event = updated({ text: 'line1\nline2\r\nline3\rend', sep: '\u2028' });
    const frame = eventFrame({ epoch: 'ep1', seq: 42 }, event);
    const text = frame.bytes.toString('utf8');
    expect(text.startsWith('id: ep1:42\nevent: content.updated\ndata: {')).toBe(true);
    expect(text.endsWith('}\n\n')).toBe(true);
    expect(text.slice(0, -2).split(/\r\n|\r|\n/)).toHaveLength(3);
    const [message] = parse(text);
    expect(message).toMatchObject({ id: 'ep1:42', event: 'content.updated' });
    expect(JSON.parse(message!.data)).toEqual(event);
    expect(frame).toMatchObject({ seq: 42, type: 'content.updated', source: 'orders', key: 'k\n1', timeMs: Date.parse('2030-01-01T00:00:00.000Z') });
  });

  it('gives non-content events no record key', () => {
    const frame = eventFrame({ epoch: 'e', seq: 1 }, {
      id: randomUUID(),
      type: 'source.status',
      tenant: 'acme',
      source: 'orders',
      time: new Date().toISOString(),
      data: { status: 'healthy' },
    } as unknown as FreshetEvent);
    expect(frame.key).toBeUndefined();
  });

  it('refuses names and ids that would forge fields', () => {
    expect(() => formatFrame({ event: 'a\nid: 1', data: {} })).toThrow();
    expect(() => formatFrame({ id: '1\n', event: 'ok', data: {} })).toThrow();
    expect(parse(formatFrame({ event: 'reset', data: { reason: 'x' } }))).toEqual([{ id: undefined, event: 'reset', data: '{"reason":"x"}' }]);
  });

  it('writes retry hints and heartbeat comments clients ignore', () => {
    expect(retryFrame(2000)).toBe('retry: 2000\n\n');
    expect(parse(HEARTBEAT_FRAME.toString('utf8') + retryFrame(5))).toEqual([]);
  });
});
