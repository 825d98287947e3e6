// Heartbeats for every stream of a process on one timer. A timer per connection costs a
// Timeout object each (memory at 10,000 streams) and fires at its own moment; the wheel
// instead splits the streams into slots and visits one slot per tick, so a period's
// heartbeats are spread evenly over it and never arrive as one burst of writes.
//
// A stream that wrote anything since its last heartbeat is skipped: the comment exists to
// keep idle connections open through proxies, and a busy stream is not idle.

export interface HeartbeatTarget {
  /** Called about once per period; the target writes a heartbeat if it was idle. */
  heartbeatDue(): void;
}

export interface HeartbeatWheel {
  add(target: HeartbeatTarget): void;
  remove(target: HeartbeatTarget): void;
  stop(): void;
}

/** Slots per period: more means smaller bursts, at one more timer tick each. */
const SLOTS = 16;

export function startHeartbeatWheel(periodMs: number, onError: (error: unknown) => void = () => undefined): HeartbeatWheel {
  const slots = Array.from({ length: SLOTS }, () => new Set<HeartbeatTarget>());
  const slotOf = new Map<HeartbeatTarget, Set<HeartbeatTarget>>();
  let nextSlot = 0;
  let tick = 0;
  const timer = setInterval(
    () => {
      const slot = slots[tick++ % SLOTS] as Set<HeartbeatTarget>;
      for (const target of slot) {
        try {
          target.heartbeatDue();
        } catch (error) {
          onError(error);
        }
      }
    },
    Math.max(1, Math.floor(periodMs / SLOTS)),
  );
  timer.unref();
  return {
    add(target) {
      if (slotOf.has(target)) return;
      // Round-robin: slots stay the same size however streams come and go.
      const slot = slots[nextSlot++ % SLOTS] as Set<HeartbeatTarget>;
      slot.add(target);
      slotOf.set(target, slot);
    },
    remove(target) {
      slotOf.get(target)?.delete(target);
      slotOf.delete(target);
    },
    stop() {
      clearInterval(timer);
      for (const slot of slots) slot.clear();
      slotOf.clear();
    },
  };
}
