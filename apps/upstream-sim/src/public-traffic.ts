// The layer every public list request passes through, whatever its style. Before the
// handler: the ESI error limit (420 while the budget is spent), the rate limit (429 with
// Retry-After), injected latency, then a pending dropped connection or injected failure.
// After it, on every answer: the 4xx/5xx spend the error budget, the X-ESI-Error-Limit-*
// headers report it, and the request counters record the outcome. Page-level faults are
// applied by the routes, which mark the request here so it counts as faulted.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from './clock';
import { ERROR_LIMITED_REASON, ERROR_LIMITED_STATUS, HEADERS, type ListStyle } from './constants';
import type { DatasetPolicies } from './dataset-policies';
import type { ErrorBody } from './error-handler';
import { datasetNameSchema } from './request.schemas';
import { outcomeForStatus, type RequestStats } from './request-stats';

export interface PublicTrafficOptions {
  policies: DatasetPolicies;
  stats: RequestStats;
  clock: Clock;
  /** Waits out injected latency; tests pass a fake. */
  sleep: (ms: number) => Promise<void>;
  /** The list style served at each route path. */
  styles: ReadonlyMap<string, ListStyle>;
}

interface TrafficContext {
  style: ListStyle;
  /** The dataset named in the path, when the name is valid. */
  dataset: string | undefined;
  faulted: boolean;
}

function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export class PublicTraffic {
  private readonly contexts = new WeakMap<FastifyRequest, TrafficContext>();

  constructor(private readonly options: PublicTrafficOptions) {}

  /** Adds the hooks to `app`, which must be an encapsulated context holding only list routes. */
  register(app: FastifyInstance): void {
    app.addHook('onRequest', (request, reply) => this.before(request, reply));
    app.addHook('onSend', async (request, reply, payload) => {
      this.after(request, reply);
      return payload;
    });
  }

  /** Marks the request as shaped by an injected fault (for the counters). */
  markFaulted(request: FastifyRequest): void {
    const context = this.contexts.get(request);
    if (context) context.faulted = true;
  }

  private async before(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const { policies, clock, sleep, stats } = this.options;
    const style = this.options.styles.get(request.routeOptions.url ?? '');
    if (style === undefined) throw new Error(`no list style for route ${String(request.routeOptions.url)}`);
    const name = datasetNameSchema.safeParse((request.params as Record<string, unknown>)['dataset']);
    const context: TrafficContext = { style, dataset: name.success ? name.data : undefined, faulted: false };
    this.contexts.set(request, context);
    const { dataset } = context;
    if (dataset === undefined) return undefined; // the handler answers 400

    const admission = policies.admit(dataset, clock.now().getTime());
    if (admission.kind === 'errorLimited') {
      reply.raw.statusMessage = ERROR_LIMITED_REASON;
      const message = `error limit reached for dataset ${JSON.stringify(dataset)}; wait for the window to reset`;
      return reply.code(ERROR_LIMITED_STATUS).send(errorBody('ERROR_LIMITED', message));
    }
    if (admission.kind === 'rateLimited') {
      return reply
        .code(429)
        .header(HEADERS.retryAfter, String(admission.retryAfterSeconds))
        .send(errorBody('RATE_LIMITED', `rate limit exceeded for dataset ${JSON.stringify(dataset)}`));
    }

    const { latencyMs } = policies.faults(dataset);
    if (latencyMs !== undefined && latencyMs > 0) await sleep(latencyMs);

    const fault = policies.takeRequestFault(dataset, clock.now().getTime());
    if (fault?.kind === 'drop') {
      // No answer at all: onSend never runs, so count here.
      stats.record(style, dataset, 'faulted');
      reply.hijack();
      reply.raw.destroy();
      return reply;
    }
    if (fault?.kind === 'fail') {
      context.faulted = true;
      if (fault.retryAfterSeconds !== undefined) reply.header(HEADERS.retryAfter, String(fault.retryAfterSeconds));
      const message = `injected ${fault.status} for dataset ${JSON.stringify(dataset)}`;
      return reply.code(fault.status).send(errorBody('INJECTED_FAULT', message));
    }
    return undefined;
  }

  private after(request: FastifyRequest, reply: FastifyReply): void {
    const context = this.contexts.get(request);
    if (!context) return;
    if (context.dataset !== undefined) {
      const nowMs = this.options.clock.now().getTime();
      const budget = this.options.policies.recordAnswer(context.dataset, reply.statusCode, nowMs);
      reply
        .header(HEADERS.errorLimitRemain, String(budget.remain))
        .header(HEADERS.errorLimitReset, String(budget.resetSeconds));
    }
    this.options.stats.record(context.style, context.dataset, outcomeForStatus(reply.statusCode, context.faulted));
  }
}
