// Errors raised by the bus. Each has a stable `code` so callers (a service's boot, the
// gateway's error handler) can map it without matching on messages, and keeps `cause`
// so the underlying NATS or zod error is never lost.

export class BusError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The topology asked for is not something JetStream can (or should) hold. */
export class InvalidTopologyError extends BusError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('INVALID_BUS_TOPOLOGY', `invalid bus topology: ${reason}`, options);
  }
}

/** One field where an existing stream or consumer differs from the one wanted. */
export interface ConfigDifference {
  field: string;
  existing: string;
  wanted: string;
  /** True when the server accepts this change on an update. */
  updatable: boolean;
}

function describeDifferences(differences: readonly ConfigDifference[]): string {
  return differences
    .map((d) => `${d.field}: existing ${d.existing}, wanted ${d.wanted}${d.updatable ? '' : ' (cannot be updated in place)'}`)
    .join('; ');
}

/** A stream exists under the wanted name with a configuration that cannot be updated into the wanted one. */
export class StreamConfigConflictError extends BusError {
  constructor(
    readonly stream: string,
    readonly differences: readonly ConfigDifference[],
    options?: { cause?: unknown },
  ) {
    super(
      'STREAM_CONFIG_CONFLICT',
      `stream ${JSON.stringify(stream)} exists with a conflicting configuration: ${describeDifferences(differences)}. ` +
        'Migrate or delete the stream deliberately; it is not changed automatically.',
      options,
    );
  }
}

/** A wanted stream subject is already captured by another stream (the server refuses overlaps). */
export class StreamSubjectOverlapError extends BusError {
  constructor(
    readonly stream: string,
    readonly subject: string,
    readonly otherStream: string | undefined,
    readonly otherSubject: string | undefined,
    options?: { cause?: unknown },
  ) {
    const other =
      otherStream === undefined
        ? 'another stream'
        : `stream ${JSON.stringify(otherStream)}${otherSubject === undefined ? '' : ` (subject ${JSON.stringify(otherSubject)})`}`;
    super(
      'STREAM_SUBJECT_OVERLAP',
      `stream ${JSON.stringify(stream)} cannot capture subject ${JSON.stringify(subject)}: it overlaps ${other}`,
      options,
    );
  }
}

/**
 * The NATS server cannot keep a stream (or a KV bucket's stream) with the replica count
 * asked for: a single server holds one copy only, a cluster no more copies than it has
 * JetStream servers. The count comes from FRESHET_STREAM_REPLICAS.
 */
export class StreamReplicasUnavailableError extends BusError {
  constructor(
    readonly stream: string,
    readonly replicas: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'STREAM_REPLICAS_UNAVAILABLE',
      `stream ${JSON.stringify(stream)} cannot have ${replicas} replicas (FRESHET_STREAM_REPLICAS=${replicas}): ${reason}. ` +
        'Set FRESHET_STREAM_REPLICAS to at most the number of JetStream servers in the NATS cluster (1 for a single server).',
      options,
    );
  }
}

/** A durable consumer exists with a configuration that cannot be updated into the wanted one. */
export class ConsumerConfigConflictError extends BusError {
  constructor(
    readonly stream: string,
    readonly durable: string,
    readonly differences: readonly ConfigDifference[],
    options?: { cause?: unknown },
  ) {
    super(
      'CONSUMER_CONFIG_CONFLICT',
      `consumer ${JSON.stringify(durable)} on stream ${JSON.stringify(stream)} exists with a conflicting configuration: ` +
        `${describeDifferences(differences)}. Delete or rename the consumer deliberately; it is not changed automatically.`,
      options,
    );
  }
}

/** Consumer options that JetStream would reject or silently reinterpret. */
export class InvalidConsumerOptionsError extends BusError {
  constructor(reason: string) {
    super('INVALID_CONSUMER_OPTIONS', `invalid consumer options: ${reason}`);
  }
}

/** A message we were asked to publish does not match its contract; nothing was published. */
export class InvalidOutgoingMessageError extends BusError {
  constructor(
    readonly kind: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_OUTGOING_MESSAGE', `refusing to publish an invalid ${kind}: ${reason}`, options);
  }
}

/** JetStream did not store a message (no stream captures the subject, timeout, connection closed, …). */
export class PublishFailedError extends BusError {
  constructor(
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('PUBLISH_FAILED', `publishing to ${JSON.stringify(subject)} failed${reason}`, options);
  }
}

export class BusStreamNotFoundError extends BusError {
  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super('STREAM_NOT_FOUND', `stream ${JSON.stringify(stream)} does not exist`, options);
  }
}

export class BusConsumerNotFoundError extends BusError {
  constructor(
    readonly stream: string,
    readonly durable: string,
    options?: { cause?: unknown },
  ) {
    super(
      'CONSUMER_NOT_FOUND',
      `consumer ${JSON.stringify(durable)} does not exist on stream ${JSON.stringify(stream)}; provision it with ensureDurableConsumer first`,
      options,
    );
  }
}

/**
 * A reader asked to resume from a stream sequence the stream no longer holds (aged out,
 * purged, or the stream was recreated). The caller must reload a snapshot instead.
 */
export class StreamHistoryGoneError extends BusError {
  constructor(
    readonly stream: string,
    readonly requestedSequence: number,
    readonly firstAvailableSequence: number,
  ) {
    super(
      'STREAM_HISTORY_GONE',
      `stream ${JSON.stringify(stream)} no longer holds sequence ${requestedSequence}: the first available is ${firstAvailableSequence}`,
    );
  }
}

/** A consume loop ended on its own (not through stop()): the consumer or connection is gone. */
export class ConsumerLoopError extends BusError {
  constructor(
    readonly stream: string,
    readonly consumer: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('CONSUMER_LOOP_FAILED', `consuming ${JSON.stringify(consumer)} on stream ${JSON.stringify(stream)} stopped unexpectedly${reason}`, options);
  }
}

/** The server refused to create or update a stream or consumer for a reason not covered above. */
export class ProvisioningFailedError extends BusError {
  constructor(
    readonly resource: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('PROVISIONING_FAILED', `provisioning ${resource} failed${reason}`, options);
  }
}

/** The first connection to NATS failed (refused, timed out, bad URL): the service cannot start. */
export class BusConnectError extends BusError {
  constructor(
    readonly servers: string | string[],
    options?: { cause?: unknown },
  ) {
    // No credentials in logs: strip user:pass@ from the URLs.
    const where = [servers].flat().map((s) => s.replace(/\/\/[^@/]*@/, '//')).join(', ');
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('NATS_UNREACHABLE', `could not connect to NATS at ${where}${why}`, options);
  }
}
