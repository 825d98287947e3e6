// Keeps credentials that travel in URLs out of the logs. Only a stream ticket may be in a
// URL (single-use, short-lived), but Fastify logs each request's URL before the ticket is
// redeemed, the error handler logs `url` of every failed request, and a refused `?token=`
// must not be logged either. Path-based redaction cannot reach inside a URL string, so
// these serializers rewrite it; give them to the app's logger:
//   Fastify({ loggerInstance: logger.child({}, { serializers: urlRedactingSerializers }) })
import type { FastifyRequest } from 'fastify';

const URL_CREDENTIAL = /([?&](?:ticket|token|access_token)=)[^&#]*/gi;

export function redactUrlCredentials(url: string): string {
  return url.replace(URL_CREDENTIAL, '$1[redacted]');
}

/** Fastify's default `req` log serializer, with the URL redacted. */
export function requestLogSerializer(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrlCredentials(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** pino serializers for the keys that carry a request URL: `req` (Fastify) and `url` (the error handler). */
export const urlRedactingSerializers = {
  req: requestLogSerializer,
  url: (url: unknown): unknown => (typeof url === 'string' ? redactUrlCredentials(url) : url),
};
