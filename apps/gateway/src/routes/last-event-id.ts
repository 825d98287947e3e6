// The resume position a client sends: `Last-Event-ID` header, or `lastEventId` query
// parameter for clients that cannot set headers. It is a JetStream stream sequence.
import { HttpProblem } from '@freshet/telemetry';

export function parseLastEventId(header: string | string[] | undefined, query: unknown): number | undefined {
  const raw = typeof header === 'string' ? header : typeof query === 'string' ? query : undefined;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HttpProblem(400, 'INVALID_LAST_EVENT_ID', `Last-Event-ID ${JSON.stringify(raw)} is not a stream sequence number`);
  }
  return Number(raw);
}
