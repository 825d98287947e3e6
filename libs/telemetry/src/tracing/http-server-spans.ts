// A server span for every HTTP request a Fastify service answers, continuing the caller's
// trace (`traceparent`), named and tagged as the HTTP semantic conventions say:
// `<METHOD> <route>`, http.request.method, url.path, http.route, http.response.status_code.
//
// How the handler runs inside the span: Fastify runs handlers after the body was read, in
// the request stream's callbacks, where an AsyncLocalStorage context set in `onRequest`
// is already lost. So every route's handler is wrapped (onRoute) to run in its request's
// span context: whatever it calls (NATS requests, queries) joins the request's trace.
// The span ends when the response is finished or its connection closes — which also ends
// hijacked responses (SSE streams) that never reach `onResponse`.
//
// Only the path is recorded, never the query string: stream tickets travel there.
//
// A span the sampler drops (or any span while tracing is off) records nothing, so it gets
// no listeners: an SSE stream keeps its request for hours, and two listeners with the
// closure that ends the span are ~0.6 KiB per open stream for nothing. Its context is still
// kept when it carries a caller's trace, so a sampled-out trace propagates as sampled-out.
import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';

export const HTTP_TRACER_NAME = '@freshet/telemetry/http';

/** The service's own endpoints, polled every few seconds: tracing them is noise. */
export const UNTRACED_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

// The wire format is W3C whatever the SDK's global propagator is (see decision 0013).
const propagator = new W3CTraceContextPropagator();

interface RequestSpan {
  span: Span;
  context: Context;
  /** The error a handler threw, recorded only if the answer turns out to be a 5xx. */
  error?: Error;
}

export function registerHttpServerSpans(app: FastifyInstance, { untracedPaths = UNTRACED_PATHS }: { untracedPaths?: readonly string[] } = {}): void {
  const spans = new WeakMap<FastifyRequest, RequestSpan>();
  const untraced = new Set(untracedPaths);

  app.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    if (untraced.has(path)) return done();
    const parent = propagator.extract(context.active(), request.headers, {
      get: (carrier, key) => carrier[key],
      keys: (carrier) => Object.keys(carrier),
    });
    const span = trace.getTracer(HTTP_TRACER_NAME).startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_URL_PATH]: path, [ATTR_URL_SCHEME]: request.protocol },
      },
      parent,
    );
    if (!span.isRecording()) {
      // Nothing to end or tag. Only a caller's trace (sampled out) is worth carrying on.
      if (trace.getSpanContext(parent) !== undefined) spans.set(request, { span, context: trace.setSpan(parent, span) });
      return done();
    }
    const entry: RequestSpan = { span, context: trace.setSpan(parent, span) };
    spans.set(request, entry);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = request.routeOptions.url;
      if (route !== undefined) {
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${request.method} ${route}`);
      }
      const raw = reply.raw;
      if (raw.headersSent) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, raw.statusCode);
        if (raw.statusCode >= 500) {
          if (entry.error) span.recordException(entry.error);
          span.setAttribute(ATTR_ERROR_TYPE, String(raw.statusCode));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      } else {
        // The client went away before an answer was written.
        span.setAttribute(ATTR_ERROR_TYPE, 'aborted');
      }
      span.end();
    };
    reply.raw.once('finish', end);
    reply.raw.once('close', end);
    done();
  });

  // Runs before the error handler decides the status: kept until the span ends, when the
  // status says whether it was a failure (5xx) or an answer (4xx, e.g. a validation error).
  app.addHook('onError', (request, _reply, error, done) => {
    const entry = spans.get(request);
    if (entry) entry.error = error;
    done();
  });

  app.addHook('onRoute', (route) => {
    const handler = route.handler as (this: FastifyInstance, ...args: Parameters<RouteHandlerMethod>) => ReturnType<RouteHandlerMethod>;
    route.handler = function tracedHandler(this: FastifyInstance, request, reply) {
      const entry = spans.get(request);
      return entry ? context.with(entry.context, handler, this, request, reply) : handler.call(this, request, reply);
    };
  });
}
