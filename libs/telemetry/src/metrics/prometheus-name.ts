// The Prometheus name of an OpenTelemetry metric, as the OpenTelemetry → Prometheus
// compatibility rules write it: dots become underscores and the unit becomes a suffix
// (`s` → `_seconds`, `By` → `_bytes`, `1` → `_ratio`; annotations like `{resource}` add
// nothing). Counters get `_total` from the exporter itself. Our exporter does not add unit
// suffixes, so instruments whose names come from the semantic conventions (the runtime and
// process metrics, the messaging metrics) are renamed with this, and every name on
// /metrics carries its unit the same way.

const UNIT_SUFFIXES: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', '1': 'ratio' };

export function prometheusName(otelName: string, unit = ''): string {
  const base = otelName.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_');
  const suffix = unit.startsWith('{') ? '' : (UNIT_SUFFIXES[unit] ?? unit.replace(/[^a-zA-Z0-9]/g, '_'));
  if (suffix === '' || base.endsWith(`_${suffix}`)) return base;
  return `${base}_${suffix}`;
}
