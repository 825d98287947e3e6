// How values read on the page, per language: table cells, ages ("3 min ago"), percents.
import type { Lang } from './language';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 120;

const locale = (lang: Lang) => (lang === 'tr' ? 'tr-TR' : 'en-GB');

/** Fields holding identifiers: shown as they are (no "1.000" for id 1000). */
const ID_FIELD = /^id$|Id$|_id$/;

// Intl formatters are costly to build (a table of 50 rows formats hundreds of cells): one per language.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => F): F {
  let formatter = cache.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}
const numbers = (lang: Lang) => cached(`n:${lang}`, () => new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3 }));
const instants = (lang: Lang) =>
  cached(`d:${lang}`, () => new Intl.DateTimeFormat(locale(lang), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }));
const percents = (lang: Lang) => cached(`p:${lang}`, () => new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }));
const ages = (lang: Lang) => cached(`r:${lang}`, () => new Intl.RelativeTimeFormat(locale(lang), { numeric: 'auto', style: 'short' }));

/** A table cell: numbers and instants in the reader's language, ids as they are, anything else as short text. */
export function formatCell(value: unknown, lang: Lang, field?: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (field !== undefined && ID_FIELD.test(field))) return String(value);
    return numbers(lang).format(value);
  }
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'string') {
    if (ISO_INSTANT.test(value)) return formatInstant(value, lang);
    return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
  }
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_TEXT ? `${json.slice(0, MAX_TEXT - 1)}…` : json;
}

/** An ISO instant as a local date and time, to the second. */
export function formatInstant(iso: string, lang: Lang): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : instants(lang).format(ms);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** How long ago, in words: "now", "12 sec. ago", "3 min. ago", "2 days ago". */
export function formatAge(ageMs: number, lang: Lang): string {
  const format = ages(lang);
  const age = Math.max(0, ageMs);
  if (age < 5_000) return format.format(0, 'second');
  for (const [unit, size] of UNITS) if (age >= size) return format.format(-Math.floor(age / size), unit);
  return format.format(0, 'second');
}

/** `0.8731` → "87.3%" ("%87,3" in Turkish). */
export function formatPercent(ratio: number, lang: Lang): string {
  return percents(lang).format(ratio);
}
