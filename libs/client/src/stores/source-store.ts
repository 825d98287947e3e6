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
import { toClientError } from '../io/client-error';
import type { HttpClient } from '../io/http';
import { loadSnapshot, sourcePath } from '../io/snapshot-loader';
import type { RefreshResult, SourceState, SourceStore } from '../types';
import { SnapshotLoads } from './snapshot-load';
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
  private readonly loads: SnapshotLoads;

  constructor(
    readonly sourceId: string,
    private readonly context: StoreContext & { maxRecords: number },
  ) {
    this.channel = `source:${sourceId}`;
    this.loads = new SnapshotLoads(context.hub, this);
    // First subscriber, or back after a release: the events in between were not followed.
    this.lifetime = followingLifetime(context.hub, this, context.releaseGraceMs, () => {
      if (!this.loads.running) void this.reload();
    });
  }

  // Arrow properties: React passes these around unbound (useSyncExternalStore).
  readonly getState = (): SourceState => this.model.view;

  readonly subscribe = (listener: () => void): (() => void) => {
    return this.lifetime.subscribe(listener);
  };

  readonly reload = (): Promise<void> => {
    const { http, tenant, maxRecords, staleNoticeMs } = this.context;
    return this.loads.start({
      begin: () => this.set(startLoading(this.model)),
      fetch: (signal) => loadSnapshot(http, tenant, this.sourceId, { maxRecords, signal }),
      loaded: (snapshot, signal) => {
        this.set(applySnapshot(this.model, snapshot));
        if (revalidationUnderWay(snapshot.meta)) {
          const notice = setTimeout(() => {
            if (!signal.aborted) this.set(showRevalidation(this.model));
          }, staleNoticeMs);
          signal.addEventListener('abort', () => clearTimeout(notice), { once: true });
        }
      },
      failed: (error) => this.set(failLoading(this.model, error)),
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
    if (this.loads.running) return { kind: 'loading' };
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
    this.loads.abort();
  }

  private set(model: SourceModel): void {
    const changed = model.view !== this.model.view;
    this.model = model;
    if (changed) this.lifetime.notify(this.context.logger);
  }
}
