// Named errors with a stable `code`. Domain code throws them; only error-handler.ts
// turns a code into an HTTP status.

export type SimErrorCode = 'INVALID_REQUEST' | 'DATASET_NOT_FOUND' | 'ITEM_NOT_FOUND';

export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A parameter, query or body the simulator refuses; the message names the field. */
export class InvalidRequestError extends SimError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_REQUEST', message, options);
  }
}

export class DatasetNotFoundError extends SimError {
  constructor(readonly dataset: string) {
    super('DATASET_NOT_FOUND', `dataset ${JSON.stringify(dataset)} does not exist`);
  }
}

export class ItemNotFoundError extends SimError {
  constructor(
    readonly dataset: string,
    readonly id: number,
  ) {
    super('ITEM_NOT_FOUND', `item ${id} does not exist in dataset ${JSON.stringify(dataset)}`);
  }
}
