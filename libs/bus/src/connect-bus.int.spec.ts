import { describe, expect, it } from 'vitest';
import { TEST_NATS_URL, waitFor } from '@freshet/testkit';
import { closeBus, connectBus } from './connect-bus';
import { LEVEL, recordingLogger } from './testing/bus-test-support';

describe('connectBus / closeBus', () => {
  it('logs connection status changes: a dropped connection is reported and recovered', async () => {
    const { logger, entries } = recordingLogger();
    const nc = await connectBus({ servers: TEST_NATS_URL, name: 'bus-connect-test', logger });
    try {
      expect(entries.some((e) => e.msg === 'nats connected')).toBe(true);
      await nc.reconnect(); // drops the socket like a network blip would
      await waitFor(() => entries.some((e) => e.msg === 'nats reconnected'), { message: 'reconnect logged' });
      expect(entries.some((e) => e.msg === 'nats disconnected' && e.level === LEVEL.warn)).toBe(true);
      await nc.flush();
    } finally {
      await closeBus(nc);
    }
  });

  it('closes by draining; closing twice (even concurrently) is safe', async () => {
    const { logger, entries } = recordingLogger();
    const nc = await connectBus({ servers: TEST_NATS_URL, name: 'bus-connect-test', logger });
    await Promise.all([closeBus(nc), closeBus(nc)]);
    await closeBus(nc);
    expect(nc.isClosed()).toBe(true);
    await expect(nc.closed()).resolves.toBeUndefined();
    await waitFor(() => entries.some((e) => e.msg === 'nats connection closed'), { message: 'close logged' });
  });
});
