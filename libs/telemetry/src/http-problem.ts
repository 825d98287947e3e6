// The one error type a route throws to answer 4xx/5xx with a stable code and a message.
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpProblem';
  }
}
