// Failures of a connector, classified once so the job runner can decide between
// "retry later" and "fail now" without inspecting messages.

export class ConnectorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The upstream answered with a non-success status. 5xx and 429 are worth retrying. */
export class UpstreamHttpError extends ConnectorError {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly retryAfterMs?: number,
  ) {
    super('UPSTREAM_HTTP_ERROR', `upstream answered ${status} for ${url}`, status >= 500 || status === 429 || status === 420 || status === 408);
  }
}

/** The upstream could not be reached or did not answer in time. */
export class UpstreamUnavailableError extends ConnectorError {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('UPSTREAM_UNAVAILABLE', `upstream unreachable at ${url}: ${reason}`, true, { cause });
  }
}

/** A page whose body is not what the source's config promises. Retrying will not fix it. */
export class InvalidUpstreamPageError extends ConnectorError {
  constructor(
    readonly url: string,
    readonly page: number,
    reason: string,
  ) {
    super('INVALID_UPSTREAM_PAGE', `page ${page} of ${url} is invalid: ${reason}`, false);
  }
}
