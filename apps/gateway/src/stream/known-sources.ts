// Which sources the registry (ingest's source directory) knows, for metric labels. The
// data-age histogram is labelled by tenant and source, and events carry whatever tenant and
// source their subject named: only pairs the registry confirmed become label values, the
// rest are counted under `_other` (bounded cardinality, `boundedLabel`).
//
// A pair is confirmed when a stream is opened on it (the stream route asked the directory
// already) or, for an event of a pair not seen before, by one lookup in the background:
// the event itself is labelled `_other` meanwhile, never waits. A pair the directory does
// not know (or that could not be asked) is asked again after `retryAfterMs` at the
// earliest, and at most `maxLookups` lookups run at once, so a flood of made-up sources
// costs a bounded trickle of lookups and no series.
import { boundedLabel, boundedSourceLabels, OTHER_LABEL_VALUE } from '@freshet/telemetry';

export interface SourceLabels {
  tenant: string;
  source: string;
}

export interface KnownSources {
  /** The labels for an event of this pair (its ids once the registry confirmed it, else `_other`). */
  labels(tenant: string, source: string): SourceLabels;
  /** The registry knows this pair (the caller asked it). */
  confirm(tenant: string, source: string): void;
}

export interface KnownSourcesOptions {
  /** Asks the registry; throws when it cannot answer. */
  exists: (tenant: string, source: string) => Promise<boolean>;
  /** Pairs labelled by name at most (the series bound); later ones read `_other`. */
  maxSources: number;
  /** Tenants labelled by name at most. */
  maxTenants: number;
  retryAfterMs: number;
  maxLookups: number;
  /** Told of a lookup that failed (not a "does not exist"). */
  onLookupError?: (error: unknown, tenant: string, source: string) => void;
  now?: () => number;
}

const OTHER: SourceLabels = { tenant: OTHER_LABEL_VALUE, source: OTHER_LABEL_VALUE };
/** Unknown pairs remembered for their retry time at most; beyond, the oldest are forgotten (asked again later). */
const MAX_REMEMBERED_MISSES = 10_000;

export function createKnownSources(options: KnownSourcesOptions): KnownSources {
  const now = options.now ?? Date.now;
  const confirmed = new Set<string>();
  const confirmedTenants = new Set<string>();
  const pairLabels = boundedSourceLabels({ max: options.maxSources, allowed: (tenant, source) => confirmed.has(`${tenant}:${source}`) });
  const tenantLabel = boundedLabel({ max: options.maxTenants, allowed: (tenant) => confirmedTenants.has(tenant) });
  const missedUntil = new Map<string, number>();
  const inFlight = new Set<string>();

  const confirm = (tenant: string, source: string) => {
    const key = `${tenant}:${source}`;
    confirmed.add(key);
    confirmedTenants.add(tenant);
    missedUntil.delete(key);
  };

  const lookUp = (tenant: string, source: string, key: string) => {
    if (inFlight.has(key) || inFlight.size >= options.maxLookups) return;
    const until = missedUntil.get(key);
    if (until !== undefined && until > now()) return;
    inFlight.add(key);
    const miss = () => {
      missedUntil.delete(key);
      missedUntil.set(key, now() + options.retryAfterMs);
      if (missedUntil.size > MAX_REMEMBERED_MISSES) missedUntil.delete(missedUntil.keys().next().value as string);
    };
    options
      .exists(tenant, source)
      .then(
        (exists) => (exists ? confirm(tenant, source) : miss()),
        (error: unknown) => {
          miss();
          options.onLookupError?.(error, tenant, source);
        },
      )
      .finally(() => inFlight.delete(key));
  };

  return {
    confirm,
    labels(tenant, source) {
      const key = `${tenant}:${source}`;
      const named = pairLabels(tenant, source);
      if (named.source !== OTHER_LABEL_VALUE) return { tenant: tenantLabel(tenant), source: named.source };
      if (!confirmed.has(key)) lookUp(tenant, source, key);
      // A pair past the bound still counts for its tenant when the tenant is known.
      return confirmedTenants.has(tenant) ? { tenant: tenantLabel(tenant), source: OTHER_LABEL_VALUE } : OTHER;
    },
  };
}
