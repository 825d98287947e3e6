// The scheduler's part of a trace (decision 0013). A request's span says which job it got
// and whether it joined one already queued or running; a joined job keeps its own trace
// (the request that queued it), so the joining request links to it. Background decisions
// (the scan) start a trace of their own per source queued: each background job is then one
// trace, from the decision to the events it produced.
import { ROOT_CONTEXT, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { contextOfTraceFields } from '@freshet/bus';
import type { RevalidateOutcome } from './revalidate';

export const SCHEDULER_TRACER_NAME = '@freshet/sync-scheduler';

export function noteRevalidateOutcome(outcome: RevalidateOutcome): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttributes({ 'freshet.job.id': outcome.jobId, 'freshet.job.joined': outcome.joined, 'freshet.job.priority': outcome.priority });
  const jobTrace = outcome.joined && outcome.job.trace ? trace.getSpanContext(contextOfTraceFields(outcome.job.trace)) : undefined;
  if (jobTrace && jobTrace.traceId !== span.spanContext().traceId) span.addLink({ context: jobTrace, attributes: { 'freshet.link': 'joined_job' } });
}

/** Runs `fn` as the root of a new trace (a background decision has no caller to continue). */
export function inNewTrace<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer(SCHEDULER_TRACER_NAME).startActiveSpan(name, { root: true, attributes }, ROOT_CONTEXT, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
