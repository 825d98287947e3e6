// Compares an existing stream's config with the wanted one and sorts each difference into
// "the server can update this in place" or "a person must decide" (retention and storage
// cannot change on nats-server 2.9; dropping subjects would silently stop capturing them).
// The replica count is updatable both ways: a clustered server adds or removes the copies
// itself, with the stream available throughout, and the setting (FRESHET_STREAM_REPLICAS)
// is the operator's decision (docs/decisions/0006). Whether the server can hold that many
// is not known here: ensureStreams checks it.
import type { StreamConfig } from '@nats-io/jetstream';
import type { BusStreamConfig } from './bus-topology';
import type { ConfigDifference } from './errors';
import { formatNanos, formatValue } from './config-format';

export interface StreamConfigDiff {
  differences: ConfigDifference[];
  /** The fields to send in an update when every difference is updatable. */
  update: Partial<BusStreamConfig>;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}

export function diffStreamConfig(existing: Pick<StreamConfig, keyof BusStreamConfig>, wanted: BusStreamConfig): StreamConfigDiff {
  const differences: ConfigDifference[] = [];
  const update: Partial<BusStreamConfig> = {};

  for (const field of ['retention', 'storage'] as const) {
    if (existing[field] !== wanted[field]) {
      differences.push({ field, existing: formatValue(existing[field]), wanted: formatValue(wanted[field]), updatable: false });
    }
  }
  if (existing.discard !== wanted.discard) {
    differences.push({ field: 'discard', existing: formatValue(existing.discard), wanted: formatValue(wanted.discard), updatable: true });
    update.discard = wanted.discard;
  }
  for (const field of ['max_age', 'duplicate_window'] as const) {
    if ((existing[field] ?? 0) !== wanted[field]) {
      differences.push({ field, existing: formatNanos(existing[field]), wanted: formatNanos(wanted[field]), updatable: true });
      update[field] = wanted[field];
    }
  }
  // A stream created without a count has one replica.
  const existingReplicas = existing.num_replicas ?? 1;
  if (existingReplicas !== wanted.num_replicas) {
    differences.push({ field: 'num_replicas', existing: formatValue(existingReplicas), wanted: formatValue(wanted.num_replicas), updatable: true });
    update.num_replicas = wanted.num_replicas;
  }
  const existingSubjects = existing.subjects ?? [];
  if (!sameSet(existingSubjects, wanted.subjects)) {
    const onlyAdds = existingSubjects.every((s) => wanted.subjects.includes(s));
    differences.push({
      field: 'subjects',
      existing: formatValue(existingSubjects),
      wanted: formatValue(wanted.subjects),
      updatable: onlyAdds,
    });
    if (onlyAdds) update.subjects = wanted.subjects;
  }
  return { differences, update };
}
