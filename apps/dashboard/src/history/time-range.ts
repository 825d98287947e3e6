// The historical view's time range: a preset ("last hour") or a custom from/to typed in
// the browser's local time (`<input type="datetime-local">` gives `2024-05-01T10:30`), made
// into the ISO instants the history route takes (`from` inclusive, `to` exclusive).

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];
export type RangeChoice = RangePreset | 'custom';

const PRESET_MS: Record<RangePreset, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
};

export const DEFAULT_RANGE: RangePreset = '1h';

export function parseRangeChoice(value: string | undefined): RangeChoice {
  if (value === 'custom') return 'custom';
  return (RANGE_PRESETS as readonly string[]).includes(value ?? '') ? (value as RangePreset) : DEFAULT_RANGE;
}

export type RangeProblem = 'invalid-from' | 'invalid-to' | 'from-after-to';
export type ResolvedRange = { ok: true; from: string; to: string } | { ok: false; problem: RangeProblem };

export interface RangeInput {
  range: RangeChoice;
  /** Custom start: local `YYYY-MM-DDTHH:mm[:ss]` or an ISO instant with offset. */
  from?: string;
  /** Custom end, likewise; empty means now. */
  to?: string;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of a local datetime-local value or an ISO instant with offset; undefined when it is neither (or no such day). */
export function parseInstant(text: string): number | undefined {
  const trimmed = text.trim();
  if (WITH_OFFSET.test(trimmed)) {
    const ms = Date.parse(trimmed);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const match = LOCAL.exec(trimmed);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '0'] = match.map((part) => part ?? '') as string[];
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
  // new Date rolls 31 February over into March: refuse it instead.
  if (date.getFullYear() !== Number(y) || date.getMonth() !== Number(mo) - 1 || date.getDate() !== Number(d)) return undefined;
  return date.getTime();
}

export function resolveRange(input: RangeInput, now: number): ResolvedRange {
  if (input.range !== 'custom') return { ok: true, from: new Date(now - PRESET_MS[input.range]).toISOString(), to: new Date(now).toISOString() };
  const from = parseInstant(input.from ?? '');
  if (from === undefined) return { ok: false, problem: 'invalid-from' };
  const to = (input.to ?? '').trim() === '' ? now : parseInstant(input.to ?? '');
  if (to === undefined) return { ok: false, problem: 'invalid-to' };
  if (from >= to) return { ok: false, problem: 'from-after-to' };
  return { ok: true, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** `YYYY-MM-DDTHH:mm` in local time: the value a datetime-local input shows for `ms`. */
export function toLocalInput(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
