// JetStream API error codes we react to, defined once. The client exports a few
// (JetStreamApiCodes); the rest are nats-server's stable JSErrCodes.
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

export const API_CODES = {
  streamNotFound: JetStreamApiCodes.StreamNotFound,
  consumerNotFound: JetStreamApiCodes.ConsumerNotFound,
  /** "stream name already in use with a different configuration" */
  streamNameExists: 10058,
  /** "subjects overlap with an existing stream" */
  streamSubjectOverlap: 10065,
  /** "replicas > 1 not supported in non-clustered mode" */
  replicasNotSupported: 10074,
  /** "no suitable peers for placement" (e.g. more replicas than servers) */
  noSuitablePeers: 10005,
  /** "insufficient resources" (what servers before 2.10 answer to more replicas than servers) */
  insufficientResources: 10023,
} as const;

export function isApiError(error: unknown, code: number): error is JetStreamApiError {
  return error instanceof JetStreamApiError && error.code === code;
}
