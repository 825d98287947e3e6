// The tenant's admin overview, live: GET /overview, then the `admin` channel from the
// overview's position. Source states and cache counts follow the events; job counts are
// reread (quietly, at most once per JOB_RELOAD_MS) after job events.
import { tenantOverviewSchema, type FreshetEvent, type StreamPosition } from '@freshet/contracts';
import {
  applyAdminEvents,
  applyOverview,
  failOverview,
  INITIAL_OVERVIEW_STATE,
  isAdminEvent,
  rebaseOverview,
  startOverviewLoading,
  type OverviewModel,
} from '../core/overview-model';
import { parseStreamPosition } from '../core/position';
import type { PositionedEvent } from '../core/source-model';
import { FreshetClientError } from '../io/client-error';
import type { OverviewState, OverviewStore } from '../types';
import { SnapshotLoads } from './snapshot-load';
import { followingLifetime, type SubscriptionLifetime } from './subscription-lifetime';
import type { ParticipantDemand, StreamParticipant } from './participant';
import type { StoreContext } from './source-store';

const JOB_RELOAD_MS = 1_000;

export class OverviewStoreImpl implements OverviewStore, StreamParticipant {
  readonly channel = 'admin';
  private model: OverviewModel = { view: INITIAL_OVERVIEW_STATE };
  private readonly lifetime: SubscriptionLifetime;
  private jobTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly loads: SnapshotLoads;

  constructor(private readonly context: StoreContext) {
    this.loads = new SnapshotLoads(context.hub, this);
    this.lifetime = followingLifetime(context.hub, this, context.releaseGraceMs, () => {
      if (!this.loads.running) void this.reload();
    });
  }

  readonly getState = (): OverviewState => this.model.view;

  readonly subscribe = (listener: () => void): (() => void) => {
    return this.lifetime.subscribe(listener);
  };

  readonly reload = (): Promise<void> => this.fetchOverview(false);

  demand(): ParticipantDemand {
    if (!this.lifetime.active) return { kind: 'none' };
    if (this.loads.running) return { kind: 'loading' };
    const { applied } = this.model;
    return this.model.view.status === 'ready' && applied !== undefined ? { kind: 'ready', position: applied } : { kind: 'none' };
  }

  accepts(event: FreshetEvent): boolean {
    return isAdminEvent(event);
  }

  receive(events: ReadonlyArray<PositionedEvent>, now: number): { duplicates: number; reload: boolean } {
    const result = applyAdminEvents(this.model, events, now);
    this.set(result.model);
    if (result.jobsChanged && !result.needsReload && this.jobTimer === undefined) {
      this.jobTimer = setTimeout(() => {
        this.jobTimer = undefined;
        if (this.lifetime.active && !this.loads.running) void this.fetchOverview(true);
      }, JOB_RELOAD_MS);
    }
    return { duplicates: result.duplicates, reload: result.needsReload };
  }

  rebase(position: StreamPosition): void {
    this.set(rebaseOverview(this.model, position));
  }

  failed(): boolean {
    return this.lifetime.active && this.model.view.status === 'error';
  }

  dispose(): void {
    this.lifetime.dispose();
    if (this.jobTimer !== undefined) clearTimeout(this.jobTimer);
    this.loads.abort();
  }

  private fetchOverview(quiet: boolean): Promise<void> {
    const { http, tenant } = this.context;
    return this.loads.start({
      begin: () => this.set(startOverviewLoading(this.model, quiet)),
      fetch: (signal) => http.get(`/v1/tenants/${encodeURIComponent(tenant)}/overview`, { schema: tenantOverviewSchema, signal }),
      loaded: (overview) => {
        const position = parseStreamPosition(overview.position);
        if (position === undefined) throw new FreshetClientError({ code: 'BAD_RESPONSE', message: `the overview's position ${overview.position} is not a stream position` });
        this.set(applyOverview(this.model, overview, position));
      },
      failed: (error) => this.set(failOverview(this.model, error)),
    });
  }

  private set(model: OverviewModel): void {
    const changed = model.view !== this.model.view;
    this.model = model;
    if (changed) this.lifetime.notify(this.context.logger);
  }
}
