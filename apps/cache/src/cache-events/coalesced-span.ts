// One span for work that stands for several traced causes: a coalesced cache.written is
// published once for many applied events, which may belong to several traces (several
// refreshes, a refresh and a background sync). The span continues the first cause's trace
// and links to one span of each other trace, so every refresh's trace can find the
// notification that covered it (decision 0013). Causes outside any trace are ignored.
import { context, ROOT_CONTEXT, trace, type SpanContext } from '@opentelemetry/api';

export const CACHE_TRACER_NAME = '@freshet/cache';

/** Links beyond this many traces are dropped (a notification is not worth a huge span). */
export const MAX_LINKED_TRACES = 32;

export class CoalescedCauses {
  private readonly byTrace = new Map<string, SpanContext>();

  /** Notes the span active now (if any) as one of the causes. */
  noteActive(): void {
    const cause = trace.getActiveSpan()?.spanContext();
    if (!cause || !trace.isSpanContextValid(cause) || this.byTrace.has(cause.traceId) || this.byTrace.size >= MAX_LINKED_TRACES) return;
    this.byTrace.set(cause.traceId, cause);
  }

  /** Runs `fn` in a span named `name` (the first cause's child, linked to the others), or plainly when no cause was traced. */
  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const [first, ...others] = [...this.byTrace.values()];
    // No traced cause: no trace of its own either (the timer's inherited context is dropped).
    if (!first) return context.with(ROOT_CONTEXT, fn);
    return trace
      .getTracer(CACHE_TRACER_NAME)
      .startActiveSpan(name, { links: others.map((cause) => ({ context: cause })), attributes: { 'freshet.coalesced_traces': this.byTrace.size } }, trace.setSpanContext(ROOT_CONTEXT, first), (span) =>
        finish(span, fn),
      );
  }
}

async function finish<T>(span: { end(): void }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    span.end();
  }
}
