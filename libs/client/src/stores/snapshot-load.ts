// A store's snapshot loads (a source's records, the tenant's overview), one at a time. A
// new load replaces the one under way (aborted: its answer is never applied). While a load
// runs the store has left the stream hub, since events are applied on top of a snapshot
// and there is none yet; when it ends the hub hears so and plans the store in again from
// the new snapshot's position. A failure is the store's to show; a 401 also tells the hub
// that the credential is gone, for the stream too.
import type { ClientError } from '../types';
import { plainError, toClientError } from '../io/client-error';
import type { HubHandle, StreamParticipant } from './participant';

export interface SnapshotLoadSteps<T> {
  /** After the store left the hub, before the request: e.g. show "loading". */
  begin(): void;
  fetch(signal: AbortSignal): Promise<T>;
  /** Applies the answer (only if this is still the current load). A throw counts as a failure. */
  loaded(value: T, signal: AbortSignal): void;
  failed(error: ClientError): void;
}

export class SnapshotLoads {
  private current: AbortController | undefined;

  constructor(
    private readonly hub: HubHandle,
    private readonly participant: StreamParticipant,
  ) {}

  /** Whether a load is under way (the store's demand is then "loading"). */
  get running(): boolean {
    return this.current !== undefined;
  }

  start<T>(steps: SnapshotLoadSteps<T>): Promise<void> {
    this.current?.abort();
    const load = new AbortController();
    this.current = load;
    this.hub.leave(this.participant);
    steps.begin();
    return steps
      .fetch(load.signal)
      .then((value) => {
        if (!load.signal.aborted) steps.loaded(value, load.signal);
      })
      .catch((error: unknown) => {
        if (load.signal.aborted) return;
        const failure = plainError(toClientError(error));
        steps.failed(failure);
        if (failure.status === 401) this.hub.authRejected(failure);
      })
      .finally(() => {
        if (this.current !== load) return;
        this.current = undefined;
        this.hub.changed();
      });
  }

  /** Aborts the load under way, if any (the store is disposed). */
  abort(): void {
    this.current?.abort();
    this.current = undefined;
  }
}
