// Runs a zod schema over one part of a request and turns failures into an
// InvalidRequestError whose message names every bad field (e.g. "body.price: ...").
import type { z } from 'zod';
import { InvalidRequestError } from './errors';

export type RequestPart = 'params' | 'query' | 'body';

export function parseRequestPart<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const message = result.error.issues
    .map((issue) => `${[part, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
  throw new InvalidRequestError(message, { cause: result.error });
}
