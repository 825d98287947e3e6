// The subscribe/notify half of a Store. A listener that throws does not stop the others
// (one broken component must not freeze every other view of the data).
export class Listeners {
  private readonly set = new Set<() => void>();

  get size(): number {
    return this.set.size;
  }

  /** Adds a listener; the returned function removes it (idempotent) and says whether it was the last. */
  add(listener: () => void, onEmpty?: () => void): () => void {
    // The same function subscribed twice is two subscriptions (React may do that); wrap it.
    const entry = () => listener();
    this.set.add(entry);
    return () => {
      if (!this.set.delete(entry)) return;
      if (this.set.size === 0) onEmpty?.();
    };
  }

  notify(logger: Pick<Console, 'error'>): void {
    for (const listener of [...this.set]) {
      try {
        listener();
      } catch (error) {
        logger.error('a @freshet/client subscriber threw', error);
      }
    }
  }
}
