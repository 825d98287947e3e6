// A secret read from the environment, wrapped so that it cannot reach a log or an error
// message by accident: printing, JSON-serialising (pino does) or inspecting it shows
// `[redacted]`. Only the code that signs or verifies calls reveal().
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class RedactedSecret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: pass it straight to the crypto call, never to a logger. */
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
