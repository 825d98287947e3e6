import { describe, expect, it } from 'vitest';
import { FreshetClientError } from '../io/client-error';
import type { ClientError } from '../types';
import type { HubHandle, StreamParticipant } from './participant';
import { SnapshotLoads } from './snapshot-load';

function setUp() {
  const calls: string[] = [];
  const hub: HubHandle = {
    changed: () => void calls.push('hub.changed'),
    leave: () => void calls.push('hub.leave'),
    authRejected: (error) => void calls.push(`hub.authRejected ${error.status}`),
  };
  const loads = new SnapshotLoads(hub, {} as StreamParticipant);
  /** A request the test answers by hand. */
  const pending = () => {
    let answer!: (value: string) => void;
    let refuse!: (error: unknown) => void;
    const promise = new Promise<string>((resolve, reject) => ((answer = resolve), (refuse = reject)));
    return { promise, answer, refuse };
  };
  const steps = (name: string, request: Promise<string>, loaded: (value: string) => void = (v) => void calls.push(`${name} loaded ${v}`)) => ({
    begin: () => void calls.push(`${name} begin`),
    fetch: (signal: AbortSignal) => {
      signal.addEventListener('abort', () => calls.push(`${name} aborted`));
      return request;
    },
    loaded,
    failed: (error: ClientError) => void calls.push(`${name} failed ${error.code}`),
  });
  return { calls, loads, pending, steps };
}

describe('SnapshotLoads', () => {
  it('leaves the hub, begins, applies the answer, and tells the hub once it is over', async () => {
    const { calls, loads, pending, steps } = setUp();
    const request = pending();
    const done = loads.start(steps('a', request.promise));
    expect(loads.running).toBe(true);
    expect(calls).toEqual(['hub.leave', 'a begin']);
    request.answer('snapshot');
    await done;
    expect(calls).toEqual(['hub.leave', 'a begin', 'a loaded snapshot', 'hub.changed']);
    expect(loads.running).toBe(false);
  });

  it('a new load replaces the one under way: the old answer is never applied, the hub hears once', async () => {
    const { calls, loads, pending, steps } = setUp();
    const first = pending();
    const second = pending();
    const firstDone = loads.start(steps('a', first.promise));
    const secondDone = loads.start(steps('b', second.promise));
    first.answer('old');
    await firstDone;
    expect(loads.running).toBe(true);
    second.answer('new');
    await secondDone;
    expect(calls).toEqual(['hub.leave', 'a begin', 'a aborted', 'hub.leave', 'b begin', 'b loaded new', 'hub.changed']);
  });

  it('a failure is the store’s to show; a 401 also tells the hub; a throw while applying is a failure', async () => {
    const { calls, loads, steps } = setUp();
    await loads.start(steps('a', Promise.reject(new FreshetClientError({ code: 'UNAUTHORIZED', message: 'token expired', status: 401 }))));
    await loads.start(steps('b', Promise.reject(new TypeError('fetch failed'))));
    await loads.start(
      steps('c', Promise.resolve('bad'), () => {
        throw new FreshetClientError({ code: 'BAD_RESPONSE', message: 'not a stream position' });
      }),
    );
    expect(calls.filter((c) => !c.startsWith('hub.leave') && !c.endsWith('begin'))).toEqual([
      'a failed UNAUTHORIZED',
      'hub.authRejected 401',
      'hub.changed',
      expect.stringMatching(/^b failed /),
      'hub.changed',
      'c failed BAD_RESPONSE',
      'hub.changed',
    ]);
  });

  it('abort() drops the load under way without applying or reporting it', async () => {
    const { calls, loads, pending, steps } = setUp();
    const request = pending();
    const done = loads.start(steps('a', request.promise));
    loads.abort();
    expect(loads.running).toBe(false);
    request.refuse(new FreshetClientError({ code: 'UNAUTHORIZED', message: 'gone', status: 401 }));
    await done;
    expect(calls).toEqual(['hub.leave', 'a begin', 'a aborted']);
  });
});
