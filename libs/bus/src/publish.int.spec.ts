import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { HEADERS, subjectForEvent, syncCommandSubject, type FreshetEvent } from '@freshet/contracts';
import { testNames } from '@freshet/testkit';
import { InvalidOutgoingMessageError, PublishFailedError } from './errors';
import { publishEvent } from './publish-event';
import { publishSyncCommand } from './publish-sync-command';
import { asPublished, recordingLogger, sampleContentCreated, sampleSyncCommand, testBusWithStreams } from './testing/bus-test-support';

const n = testNames('pub');
const { logger } = recordingLogger();
const bus = testBusWithStreams(n, 'bus-publish-test', logger);

describe('publishEvent', () => {
  it('stores an event once: publishing it again is reported as a duplicate', async () => {
    const event = sampleContentCreated();
    const first = await publishEvent(bus.js, n.subjectPrefix, event);
    const second = await publishEvent(bus.js, n.subjectPrefix, event);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ seq: first.seq, duplicate: true });

    const jsm = await jetstreamManager(bus.nc);
    expect((await jsm.streams.info(n.eventsStream)).state.messages).toBe(1);
    const stored = await jsm.streams.getMessage(n.eventsStream, { seq: first.seq });
    expect(stored?.subject).toBe(subjectForEvent(n.subjectPrefix, event));
    // The trace context rides in the headers only: the body every consumer (and browser) sees has none.
    expect(stored?.json<FreshetEvent>()).toEqual(asPublished(event));
    expect(stored?.json<FreshetEvent>()).not.toHaveProperty('trace');
    expect(stored?.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored?.header.get(HEADERS.eventType)).toBe('content.created');
    expect(stored?.header.get(HEADERS.traceparent)).toBe(event.trace?.traceparent);
    expect(stored?.header.get(HEADERS.tracestate)).toBe('vendor=1');
  });

  it('refuses an event that breaks its contract, and publishes nothing', async () => {
    const bad = { ...sampleContentCreated(), time: 'yesterday' } as FreshetEvent;
    await expect(publishEvent(bus.js, n.subjectPrefix, bad)).rejects.toMatchObject({
      code: 'INVALID_OUTGOING_MESSAGE',
      message: expect.stringContaining('time:') as unknown,
    });
    await expect(publishEvent(bus.js, n.subjectPrefix, bad)).rejects.toBeInstanceOf(InvalidOutgoingMessageError);
  });

  it('reports a typed error naming the subject when no stream captures it', async () => {
    const event = sampleContentCreated();
    const attempt = publishEvent(bus.js, testNames('nostream').subjectPrefix, event);
    await expect(attempt).rejects.toBeInstanceOf(PublishFailedError);
    await expect(attempt).rejects.toMatchObject({ code: 'PUBLISH_FAILED', message: expect.stringContaining('.evt.acme.orders.content.created') as unknown });
  });
});

describe('publishSyncCommand', () => {
  it('publishes on the tier subject of its priority, deduplicated by command id', async () => {
    const command = sampleSyncCommand(3);
    const first = await publishSyncCommand(bus.js, n.subjectPrefix, command);
    const again = await publishSyncCommand(bus.js, n.subjectPrefix, command);
    expect(again).toEqual({ seq: first.seq, duplicate: true });

    const jsm = await jetstreamManager(bus.nc);
    const stored = await jsm.streams.getMessage(n.commandsStream, { seq: first.seq });
    expect(stored?.subject).toBe(syncCommandSubject(n.subjectPrefix, 'p3'));
    expect(stored?.header.get('Nats-Msg-Id')).toBe(command.commandId);
    expect(stored?.json()).toEqual(command);
  });

  it('applies contract defaults before publishing', async () => {
    const { mode: _mode, ...withoutMode } = sampleSyncCommand(10);
    const ack = await publishSyncCommand(bus.js, n.subjectPrefix, withoutMode);
    const jsm = await jetstreamManager(bus.nc);
    const stored = await jsm.streams.getMessage(n.commandsStream, { seq: ack.seq });
    expect(stored?.subject).toBe(syncCommandSubject(n.subjectPrefix, 'p10'));
    expect(stored?.json()).toMatchObject({ mode: 'incremental' });
  });
});
