// Renders config values for error messages and logs, so a conflict reads as
// "max_age: existing 1h, wanted 1d" rather than raw nanoseconds.
import type { Nanos } from '@nats-io/transport-node';

const UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0 (unlimited)';
  for (const [unit, size] of UNITS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function formatNanos(ns: Nanos | undefined): string {
  return formatDurationMs(Math.round((ns ?? 0) / 1_000_000));
}

export function formatValue(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}
