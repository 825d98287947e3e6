import { describe, expect, it } from 'vitest';
import { parseAckSubject } from './pulled-message';

describe('parseAckSubject', () => {
  it('reads the nats-server 2.9 reply subject', () => {
    expect(parseAckSubject('$JS.ACK.CMDS.ingest-p10.3.1042.17.1795628629337231714.9')).toEqual({
      stream: 'CMDS',
      consumer: 'ingest-p10',
      deliveryCount: 3,
      streamSequence: 1042,
      pending: 9,
    });
  });

  it('reads the newer form with domain, account hash and a trailing token', () => {
    expect(parseAckSubject('$JS.ACK.hub.ACCHASH.CMDS.ingest-p3.1.7.7.1795628629337231714.0.abc')).toEqual({
      stream: 'CMDS',
      consumer: 'ingest-p3',
      deliveryCount: 1,
      streamSequence: 7,
      pending: 0,
    });
  });

  it('refuses what is not a JetStream delivery', () => {
    expect(parseAckSubject('_INBOX.abc.1')).toBeUndefined();
    expect(parseAckSubject('$JS.ACK.CMDS.c.x.1.1.1')).toBeUndefined();
    expect(parseAckSubject('$JS.ACK.CMDS.c.one.1.1.1.0')).toBeUndefined();
  });
});
