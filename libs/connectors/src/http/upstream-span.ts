// A client span per request to an upstream (HTTP semantic conventions: `GET`,
// http.request.method, server.address/port, url.full, http.response.status_code), with
// its context sent along as `traceparent` so an upstream that traces joins the trace.
// url.full is the masked URL (a query-key secret reads `redacted`), never the real one.
// Outside a trace (no active span) nothing is recorded and nothing is sent.
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

export const CONNECTORS_TRACER_NAME = '@freshet/connectors';

const propagator = new W3CTraceContextPropagator();

export interface UpstreamRequest {
  method: string;
  /** Already masked (redactUrl). */
  safeUrl: string;
  upstreamId: string;
  /** 1-based page of the listing. */
  pageIndex: number;
}

/** Tells the span the answer's status (a 4xx or 5xx marks it failed, as the conventions say for clients). */
export type NoteStatus = (status: number) => void;

function defaultPort(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}

export async function inUpstreamSpan<T>(request: UpstreamRequest, headers: Record<string, string>, send: (headers: Record<string, string>, noteStatus: NoteStatus) => Promise<T>): Promise<T> {
  const parent = context.active();
  const parentSpan = trace.getSpanContext(parent);
  if (parentSpan === undefined || !trace.isSpanContextValid(parentSpan)) return send(headers, () => undefined);
  const url = new URL(request.safeUrl);
  const span: Span = trace.getTracer(CONNECTORS_TRACER_NAME).startSpan(
    request.method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: defaultPort(url),
        [ATTR_URL_FULL]: request.safeUrl,
        'freshet.upstream.id': request.upstreamId,
        'freshet.upstream.page': request.pageIndex,
      },
    },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  const outgoing = { ...headers };
  propagator.inject(ctx, outgoing, { set: (carrier, key, value) => (carrier[key] = value) });
  let failedStatus = false;
  const noteStatus: NoteStatus = (status) => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (status >= 400) {
      failedStatus = true;
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  };
  try {
    return await context.with(ctx, () => send(outgoing, noteStatus));
  } catch (error) {
    // A status that failed (e.g. "429") is already the error type; otherwise the error's code or class.
    if (!failedStatus) span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error));
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
