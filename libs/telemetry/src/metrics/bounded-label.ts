// Label values that come from input (a tenant on a request, a source in an event) must not
// let anyone grow a metric without bound: every distinct value is a series Prometheus keeps
// for weeks. A bounded label passes a value only when it is well-formed, `allowed` says so
// (e.g. the source registry knows it) and it is among the first `max` distinct values this
// process admitted; anything else is counted under `_other`. Admitted values stay admitted,
// so a series never flips between its name and `_other`.
//
// `_other` rather than `other`: source ids may not start with '_' (reserved), so it never
// names a real source, and a value equal to it is itself refused.

export const OTHER_LABEL_VALUE = '_other';

/** Ids as the contracts allow them (tenants, sources, upstream hosts with a port), nothing else. */
const WELL_FORMED = /^[A-Za-z0-9_-][A-Za-z0-9_.:-]{0,199}$/;

export interface BoundedLabelOptions {
  /** Distinct values admitted at most; new values after that read `_other`. */
  max: number;
  /** Whether a well-formed value may be a label value (default: any). Asked only for values not yet admitted. */
  allowed?: (value: string) => boolean;
}

export interface BoundedLabel {
  /** The label value to record for `value`. */
  (value: unknown): string;
  /** The values admitted so far. */
  readonly admitted: ReadonlySet<string>;
}

export function boundedLabel(options: BoundedLabelOptions): BoundedLabel {
  if (!Number.isInteger(options.max) || options.max < 0) throw new RangeError(`max must be a non-negative integer, got ${options.max}`);
  const admitted = new Set<string>();
  const label = (value: unknown): string => {
    if (typeof value !== 'string') return OTHER_LABEL_VALUE;
    if (admitted.has(value)) return value;
    if (value === OTHER_LABEL_VALUE || !WELL_FORMED.test(value)) return OTHER_LABEL_VALUE;
    if (admitted.size >= options.max) return OTHER_LABEL_VALUE;
    if (options.allowed && !options.allowed(value)) return OTHER_LABEL_VALUE;
    admitted.add(value);
    return value;
  };
  return Object.assign(label, { admitted: admitted as ReadonlySet<string> });
}

/** A type, not an interface: usable as metric attributes as it is. */
export type SourceLabelValues = { tenant: string; source: string };

const OTHER_SOURCE: SourceLabelValues = { tenant: OTHER_LABEL_VALUE, source: OTHER_LABEL_VALUE };

/**
 * Tenant and source labels bounded as a pair (the series count is the number of pairs): a
 * pair passes when both are well-formed ids, `allowed` says so (e.g. the registry knows it)
 * and it is among the first `max` pairs admitted; otherwise both read `_other`.
 */
export function boundedSourceLabels(options: { max: number; allowed?: (tenant: string, source: string) => boolean }): (tenant: unknown, source: unknown) => SourceLabelValues {
  // Ids are tokens without ':', so `tenant:source` names a pair exactly.
  const pairs = boundedLabel({
    max: options.max,
    allowed: (key) => {
      const [tenant = '', source = ''] = key.split(':');
      return options.allowed ? options.allowed(tenant, source) : true;
    },
  });
  return (tenant, source) => {
    if (typeof tenant !== 'string' || typeof source !== 'string' || tenant.includes(':') || source.includes(':')) return OTHER_SOURCE;
    if (tenant === OTHER_LABEL_VALUE || source === OTHER_LABEL_VALUE) return OTHER_SOURCE;
    return pairs(`${tenant}:${source}`) === OTHER_LABEL_VALUE ? OTHER_SOURCE : { tenant, source };
  };
}
