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
} as const;

export function isApiError(error: unknown, code: number): error is JetStreamApiError {
  return error instanceof JetStreamApiError && error.code === code;
}
