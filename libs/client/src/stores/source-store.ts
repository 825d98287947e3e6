// One source's records and freshness, live. Loads its snapshot when the first subscriber
// arrives, then takes the events of its channel from the hub; releases the channel a
// short grace after the last subscriber leaves (a quick re-subscribe, as React's strict
// mode does, keeps everything). The state transitions are core/source-model's.
import { refreshResponseSchema, type FreshetEvent, type StreamPosition } from '@freshet/contracts';
import {
  applyEvents,
  applySnapshot,
  failLoading,
  initialSourceModel,
  rebase,
  refreshAccepted,
  refreshFailed,
  requestRefresh,
  showRevalidation,
  startLoading,
  type PositionedEvent,
  type SourceModel,
} from '../core/source-model';
import { revalidationUnderWay } from '../core/freshness';
import { plainError, toClientError } from '../io/client-error';
import type { HttpClient } from '../io/http';
import { loadSnapshot, sourcePath } from '../io/snapshot-loader';
import type { RefreshResult, SourceState, SourceStore } from '../types';
import { followingLifetime, type SubscriptionLifetime } from './subscription-lifetime';
import type { HubHandle, ParticipantDemand, StreamParticipant } from './participant';

export interface StoreContext {
  http: HttpClient;
  tenant: string;
  hub: HubHandle;
  logger: Pick<Console, 'warn' | 'error'>;
  releaseGraceMs: number;
  staleNoticeMs: number;
}

export class SourceStoreImpl implements SourceStore, StreamParticipant {
  readonly channel: string;
  private model: SourceModel = initialSourceModel();
  private readonly lifetime: SubscriptionLifetime;
  private load: AbortController | undefined;

  constructor(
    readonly sourceId: string,
    private readonly context: StoreContext & { maxRecords: number },
  ) {
    this.channel = `source:${sourceId}`;
    // First subscriber, or back after a release: the events in between were not followed.
    this.lifetime = followingLifetime(context.hub, this, context.releaseGraceMs, () => {
      if (this.load === undefined) void this.reload();
    });
  }

  // Arrow properties: React passes these around unbound (useSyncExternalStore).
  readonly getState = (): SourceState => this.model.view;

  readonly subscribe = (listener: () => void): (() => void) => {
    return this.lifetime.subscribe(listener);
  };

  readonly reload = (): Promise<void> => {
    const { http, tenant, hub, maxRecords } = this.context;
    this.load?.abort();
    const load = new AbortController();
    this.load = load;
    hub.leave(this);
    this.set(startLoading(this.model));
    return loadSnapshot(http, tenant, this.sourceId, { maxRecords, signal: load.signal })
      .then(
        (snapshot) => {
          if (load.signal.aborted) return;
          this.set(applySnapshot(this.model, snapshot));
          if (revalidationUnderWay(snapshot.meta)) {
            const notice = setTimeout(() => {
              if (!load.signal.aborted) this.set(showRevalidation(this.model));
            }, this.context.staleNoticeMs);
            load.signal.addEventListener('abort', () => clearTimeout(notice), { once: true });
          }
        },
        (error: unknown) => {
          if (load.signal.aborted) return;
          const clientError = toClientError(error);
          this.set(failLoading(this.model, plainError(clientError)));
          if (clientError.status === 401) hub.authRejected(plainError(clientError));
        },
      )
      .finally(() => {
        if (this.load !== load) return;
        this.load = undefined;
        hub.changed();
      });
  };

  readonly refresh = async (): Promise<RefreshResult> => {
    const { http, tenant } = this.context;
    this.set(requestRefresh(this.model));
    try {
      const answer = await http.post(sourcePath(tenant, this.sourceId, '/refresh'), { schema: refreshResponseSchema });
      this.set(refreshAccepted(this.model, answer.jobId));
      return { jobId: answer.jobId, joined: answer.joined };
    } catch (error) {
      this.set(refreshFailed(this.model));
      throw toClientError(error);
    }
  };

  demand(): ParticipantDemand {
    if (!this.lifetime.active) return { kind: 'none' };
    if (this.load !== undefined) return { kind: 'loading' };
    const { applied } = this.model;
    return this.model.view.status === 'ready' && applied !== undefined ? { kind: 'ready', position: applied } : { kind: 'none' };
  }

  accepts(event: FreshetEvent): boolean {
    return event.source === this.sourceId;
  }

  receive(events: ReadonlyArray<PositionedEvent>, now: number): { duplicates: number; reload: boolean } {
    const result = applyEvents(this.model, this.sourceId, events, now);
    this.set(result.model);
    return { duplicates: result.duplicates, reload: result.needsReload };
  }

  rebase(position: StreamPosition): void {
    this.context.logger.warn(
      `@freshet/client: ${this.sourceId}'s snapshot is of another stream epoch than the gateway's (the cache has not followed a recreated stream yet); following from ${position.epoch}:${position.seq}`,
    );
    this.set(rebase(this.model, position));
  }

  failed(): boolean {
    return this.lifetime.active && this.model.view.status === 'error';
  }

  /** Stops timers and loads (client.close()). */
  dispose(): void {
    this.lifetime.dispose();
    this.load?.abort();
    this.load = undefined;
  }

  private set(model: SourceModel): void {
    const changed = model.view !== this.model.view;
    this.model = model;
    if (changed) this.lifetime.notify(this.context.logger);
  }
}
