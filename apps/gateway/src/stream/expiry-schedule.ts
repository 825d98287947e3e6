// When each stream's credential expires, for every stream of a process on one timer. A
// `setTimeout` per stream is a Timeout object, its closure and a place in Node's timer
// lists for the stream's whole life (~0.25 KiB each at tens of thousands of streams),
// to fire once, hours later. Here a stream is one entry in the set of its expiry's tick,
// and one timer, re-armed on each tick boundary, visits the ticks that came due.
//
// A stream is expired at the first tick boundary at or after its expiry, never before it:
// at most one tick (250 ms by default) late, plus however late the event loop runs the
// tick. A tick with nothing due is a Map lookup, so ticking often costs nothing worth
// counting, and a page that ends its session on its own clock sees its stream end with it.
//
// Times are the wall clock's, as a credential's `exp` is (and as the checks that accept a
// token are). If the clock steps back, the ticks follow it back: what is added later lands
// in the tick of its own expiry, not behind ticks that already ran.

export interface ExpiryTarget {
  /** Called once, when the credential has expired; the target ends itself. */
  expire(): void;
}

/** Where a target was put: give it back to `remove`. */
export type ExpiryTicket = number;

export interface ExpirySchedule {
  /** Expires `target` at or after `expiresAt` (epoch ms). An expiry already past fires at the next tick. */
  add(target: ExpiryTarget, expiresAt: number): ExpiryTicket;
  /** Forgets `target` (it closed first). */
  remove(target: ExpiryTarget, ticket: ExpiryTicket): void;
  /** Visits the ticks due now; the timer calls it (tests may too). */
  tick(): void;
  stop(): void;
}

export interface ExpiryScheduleOptions {
  tickMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** Ticks the due loop walks one by one; a longer gap (a suspended process) walks the buckets instead. */
const MAX_WALK = 1_000;

export function startExpirySchedule({ tickMs = 250, now = Date.now, onError = () => undefined }: ExpiryScheduleOptions = {}): ExpirySchedule {
  /** tick number → targets expiring in it. */
  const buckets = new Map<number, Set<ExpiryTarget>>();
  /** The last tick visited: every target in a tick up to it has been expired. */
  let doneThrough = Math.floor(now() / tickMs);
  let stopped = false;

  const fire = (tick: number) => {
    const due = buckets.get(tick);
    if (!due) return;
    buckets.delete(tick);
    for (const target of due) {
      try {
        target.expire();
      } catch (error) {
        onError(error);
      }
    }
  };

  const schedule: ExpirySchedule = {
    add(target, expiresAt) {
      // Never early: an expiry inside a tick belongs to the tick's end. One already due goes
      // to the next tick to visit (also when added by an `expire()` while a tick is visited).
      const tick = Math.max(Math.ceil(expiresAt / tickMs), doneThrough + 1);
      let bucket = buckets.get(tick);
      if (!bucket) buckets.set(tick, (bucket = new Set()));
      bucket.add(target);
      return tick;
    },
    remove(target, ticket) {
      const bucket = buckets.get(ticket);
      if (bucket?.delete(target) && bucket.size === 0) buckets.delete(ticket);
    },
    tick() {
      const current = Math.floor(now() / tickMs);
      if (current < doneThrough) {
        // The clock stepped back: what was due has been expired; go on from here.
        doneThrough = current;
        return;
      }
      if (current - doneThrough > MAX_WALK) {
        for (const tick of [...buckets.keys()].filter((t) => t <= current).sort((a, b) => a - b)) {
          doneThrough = tick;
          fire(tick);
        }
      } else {
        for (let tick = doneThrough + 1; tick <= current; tick++) {
          doneThrough = tick;
          fire(tick);
        }
      }
      doneThrough = current;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      buckets.clear();
    },
  };

  // Re-armed for the next boundary each time, so a tick runs just after the boundary that
  // made its targets due, not up to a whole interval later.
  let timer: NodeJS.Timeout;
  const arm = () => {
    timer = setTimeout(
      () => {
        if (stopped) return;
        schedule.tick();
        arm();
      },
      tickMs - (now() % tickMs) + 1,
    );
    timer.unref();
  };
  arm();
  return schedule;
}
