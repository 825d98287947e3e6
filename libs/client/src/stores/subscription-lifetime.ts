// When a store is in use, shared by the source and overview stores: the first subscriber
// activates it (it loads and joins the stream); after the last one leaves it stays active
// for a grace period and only then lets go — a component remounting or a route flickering
// must not drop the data and load it all again.
import { Listeners } from './listeners';
import type { StreamParticipant } from './participant';

export interface LifetimeHooks {
  /** First subscriber, or back after a release. */
  activate(): void;
  /** The grace period passed with no subscriber. */
  release(): void;
}

export class SubscriptionLifetime {
  private readonly listeners = new Listeners();
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private activeNow = false;

  constructor(
    private readonly graceMs: number,
    private readonly hooks: LifetimeHooks,
  ) {}

  /** Subscribed to, or within the grace period after the last subscriber left. */
  get active(): boolean {
    return this.activeNow;
  }

  subscribe(listener: () => void): () => void {
    const unsubscribe = this.listeners.add(listener, () => this.scheduleRelease());
    this.cancelRelease();
    if (!this.activeNow) {
      this.activeNow = true;
      this.hooks.activate();
    }
    return unsubscribe;
  }

  notify(logger: Pick<Console, 'error'>): void {
    this.listeners.notify(logger);
  }

  /** Inactive at once, without the release hook (the client is closing). */
  dispose(): void {
    this.cancelRelease();
    this.activeNow = false;
  }

  private cancelRelease(): void {
    if (this.releaseTimer !== undefined) clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
  }

  private scheduleRelease(): void {
    this.cancelRelease();
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = undefined;
      if (this.listeners.size > 0) return;
      this.activeNow = false;
      this.hooks.release();
    }, this.graceMs);
  }
}

/**
 * The lifetime of a store that follows the stream: activated, it loads (unless a load is
 * under way: `load` decides); released, it leaves the stream.
 */
export function followingLifetime(
  hub: { leave(participant: StreamParticipant): void; changed(): void },
  participant: StreamParticipant,
  graceMs: number,
  load: () => void,
): SubscriptionLifetime {
  return new SubscriptionLifetime(graceMs, {
    activate: load,
    release: () => {
      hub.leave(participant);
      hub.changed();
    },
  });
}
