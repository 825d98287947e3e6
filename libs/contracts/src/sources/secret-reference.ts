// Where a credential comes from. Configs name a secret, they never contain it: the value
// is read at request time from an environment variable or a secret store, so it never
// reaches the database, an event or a log line.
import { z } from 'zod';

export const secretReferenceSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)') }).strict(),
  z.object({ secretRef: z.string().min(1).max(200) }).strict(),
]);
export type SecretReference = z.infer<typeof secretReferenceSchema>;
