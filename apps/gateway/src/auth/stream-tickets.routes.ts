// POST /v1/stream-tickets → { ticket, expiresInMs }: a single-use, short-lived credential
// for one `GET …/stream?ticket=`. Authenticated by the Authorization header or the session
// cookie (with the CSRF header, as for any cookie-authenticated POST); never by a ticket.
// The body is optional and ignored.
import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '@freshet/telemetry';
import type { CredentialRequest } from './presented-credential';
import type { Principal } from './principal';
import type { TicketStore } from './stream-tickets';

export interface StreamTicketRouteOptions {
  authenticate(request: CredentialRequest, options?: { allowTicket?: boolean }): Promise<Principal>;
  tickets: TicketStore | undefined;
}

export async function streamTicketRoutes(app: FastifyInstance, options: StreamTicketRouteOptions): Promise<void> {
  app.post('/v1/stream-tickets', async (request, reply) => {
    const principal = await options.authenticate(request, { allowTicket: false });
    if (!options.tickets) throw new HttpProblem(503, 'TICKETS_UNAVAILABLE', 'stream tickets are not available on this gateway; use the session cookie');
    const issued = await options.tickets.issue(principal);
    reply.header('cache-control', 'no-store');
    return reply.code(201).send(issued);
  });
}
