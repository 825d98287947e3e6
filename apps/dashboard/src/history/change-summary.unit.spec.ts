import { describe, expect, it } from 'vitest';
import type { FreshetEvent } from '@freshet/contracts';
import { describeEvent, summarizeChanges } from './change-summary';

const JOB = '6f1c1a3e-4a57-4c3e-9a53-9d5e2c0b7a11';
let n = 0;
const envelope = (time: string) => ({ id: `6f1c1a3e-4a57-4c3e-9a53-${String(++n).padStart(12, '0')}`, tenant: 'demo', source: 'products', time });
const created = (key: string, time: string, name: string): FreshetEvent => ({ ...envelope(time), type: 'content.created', data: { key, hash: 'h1', record: { id: key, name }, jobId: JOB } });
const updated = (key: string, time: string, name: string): FreshetEvent => ({ ...envelope(time), type: 'content.updated', data: { key, hash: 'h2', previousHash: 'h1', record: { id: key, name }, jobId: JOB } });
const deleted = (key: string, time: string): FreshetEvent => ({ ...envelope(time), type: 'content.deleted', data: { key, previousHash: 'h2', jobId: JOB } });
const status: FreshetEvent = { ...envelope('2024-05-01T10:05:00Z'), type: 'source.status', data: { state: 'error', jobId: JOB, reason: 'UPSTREAM_HTTP_ERROR: 503' } };

describe('summarizeChanges', () => {
  it('counts what happened to each record, newest change first, with its last state', () => {
    const summary = summarizeChanges(
      [
        created('1', '2024-05-01T10:00:00Z', 'Lamp'),
        created('2', '2024-05-01T10:01:00Z', 'Desk'),
        updated('1', '2024-05-01T10:02:00Z', 'Lamp v2'),
        status,
        deleted('2', '2024-05-01T10:03:00Z'),
        updated('1', '2024-05-01T10:04:00Z', 'Lamp v3'),
      ].map((event) => ({ event })),
    );
    expect(summary).toMatchObject({ created: 2, updated: 2, deleted: 1, other: 1 });
    expect(summary.keys).toEqual([
      { key: '1', created: 1, updated: 2, deleted: 0, lastType: 'content.updated', lastTime: '2024-05-01T10:04:00Z', record: { id: '1', name: 'Lamp v3' } },
      { key: '2', created: 1, updated: 0, deleted: 1, lastType: 'content.deleted', lastTime: '2024-05-01T10:03:00Z' },
    ]);
  });

  it('is empty for no events', () => {
    expect(summarizeChanges([])).toEqual({ created: 0, updated: 0, deleted: 0, other: 0, keys: [] });
  });
});

describe('describeEvent', () => {
  it('names the record of a content event and the reason of a status', () => {
    expect(describeEvent(updated('7', '2024-05-01T10:00:00Z', 'Chair'))).toEqual({ key: '7', detail: 'Chair' });
    expect(describeEvent(deleted('7', '2024-05-01T10:00:00Z'))).toEqual({ key: '7', detail: '' });
    expect(describeEvent(status)).toEqual({ key: '', detail: 'error: UPSTREAM_HTTP_ERROR: 503' });
  });
});
