// The contract between the stream hub and the stores that take events from the one SSE
// stream (a source store per `source:<id>` channel, the overview for `admin`).
import type { FreshetEvent, StreamPosition } from '@freshet/contracts';
import type { PositionedEvent } from '../core/source-model';
import type { ClientError } from '../types';

export type ParticipantDemand =
  /** No subscriber (or failed): no channel. */
  | { kind: 'none' }
  /** Loading its snapshot: the hub waits before deciding the channels. */
  | { kind: 'loading' }
  /** Needs every event of its channel after `position`. */
  | { kind: 'ready'; position: StreamPosition };

export interface StreamParticipant {
  readonly channel: string;
  demand(): ParticipantDemand;
  /** Whether an event of the stream is for it. */
  accepts(event: FreshetEvent): boolean;
  /** Applies its events in order; `reload` when one was of another epoch (the hub reloads it). */
  receive(events: ReadonlyArray<PositionedEvent>, now: number): { duplicates: number; reload: boolean };
  /** Follows the stream from `position` (its own position cannot be resumed from). */
  rebase(position: StreamPosition): void;
  /** Reloads its snapshot (after a reset, an epoch change, a manual retry). */
  reload(): Promise<void>;
  /** Whether it is active but failed (a manual retry reloads it). */
  failed(): boolean;
}

/** What the hub offers the participants. */
export interface HubHandle {
  /** A participant's demand changed (subscribed, loaded, released): decide the stream again. */
  changed(): void;
  /** The participant starts loading: it takes no more events until it is planned in again. */
  leave(participant: StreamParticipant): void;
  /** A request was refused with 401: the credential is gone for the stream too. */
  authRejected(error: ClientError): void;
}
