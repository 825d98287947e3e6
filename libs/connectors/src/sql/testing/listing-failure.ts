// Drains a listing that is expected to fail and hands back its error, so a spec can assert
// on the error itself; a listing that ends without one fails the test.
import type { ConnectorError } from '../../connector-errors';

export async function failureOf(iterable: AsyncIterable<unknown>): Promise<ConnectorError> {
  try {
    for await (const _ of iterable) {
      // drain
    }
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error('expected the listing to fail');
}
