// When each stream's credential expires, for every stream of a process on one timer. A
// `setTimeout` per stream is a Timeout object, its closure and a place in Node's timer
// lists for the stream's whole life (~0.25 KiB each at tens of thousands of streams),
// to fire once, hours later. Here a stream is one entry in the set of its expiry's tick,
// and one interval visits the ticks that came due.
//
// A stream is expired at the first tick at or after its expiry, never before it: at most
// one tick (250 ms by default) late, plus however late the event loop runs the tick. A
// tick with nothing due is two Map lookups, so ticking often costs nothing worth counting,
// and a page that ends its session on its own clock sees its stream end with it.

export interface ExpiryTarget {
  /** Called once, when the credential has expired; the target ends itself. */
  expire(): void;
}

export interface ExpirySchedule {
  /** Expires `target` at or after `expiresAt` (epoch ms). An expiry already past fires at the next tick. */
  add(target: ExpiryTarget, expiresAt: number): void;
  /** Forgets `target` (it closed first); `expiresAt` is the one it was added with. */
  remove(target: ExpiryTarget, expiresAt: number): void;
  /** Visits the ticks due now; the interval calls it (tests may too). */
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
  let doneThrough = Math.floor(now() / tickMs);
  // Never early: an expiry inside a tick belongs to the next tick boundary.
  const tickOf = (expiresAt: number) => Math.max(Math.ceil(expiresAt / tickMs), doneThrough + 1);

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
      const tick = tickOf(expiresAt);
      let bucket = buckets.get(tick);
      if (!bucket) buckets.set(tick, (bucket = new Set()));
      bucket.add(target);
    },
    remove(target, expiresAt) {
      // Added into the tick of its expiry, or (if it was already due) a later one: look in both.
      for (const tick of [Math.ceil(expiresAt / tickMs), doneThrough + 1]) {
        const bucket = buckets.get(tick);
        if (bucket?.delete(target)) {
          if (bucket.size === 0) buckets.delete(tick);
          return;
        }
      }
    },
    tick() {
      const current = Math.floor(now() / tickMs);
      if (current - doneThrough > MAX_WALK) {
        for (const tick of [...buckets.keys()].filter((t) => t <= current).sort((a, b) => a - b)) fire(tick);
      } else {
        for (let tick = doneThrough + 1; tick <= current; tick++) fire(tick);
      }
      doneThrough = Math.max(doneThrough, current);
    },
    stop() {
      clearInterval(timer);
      buckets.clear();
    },
  };
  const timer = setInterval(() => schedule.tick(), tickMs);
  timer.unref();
  return schedule;
}
