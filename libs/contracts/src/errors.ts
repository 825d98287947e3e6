// Errors raised by contract helpers. Each has a stable `code` so callers can map it
// (the gateway turns them into HTTP 400s) without matching on messages.

export class ContractError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A subject token (tenant, source, family, action, prefix) that NATS cannot carry safely. */
export class InvalidSubjectTokenError extends ContractError {
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(
      'INVALID_SUBJECT_TOKEN',
      `${field} ${JSON.stringify(value)} is not a valid subject token: use 1-64 characters of A-Z, a-z, 0-9, '_' or '-' (no '.', '*', '>' or whitespace)`,
    );
  }
}

/** A subject that does not have the shape this module builds. */
export class InvalidSubjectError extends ContractError {
  constructor(
    readonly subject: string,
    reason: string,
  ) {
    super('INVALID_SUBJECT', `subject ${JSON.stringify(subject)} is invalid: ${reason}`);
  }
}
