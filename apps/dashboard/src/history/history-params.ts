// The historical view's form, kept in the URL (`#/history?source=…&range=…&types=…`) so a
// range can be linked, reloaded and driven by a test. Families map to the history route's
// type prefixes (`content.`, `job.` …); none ticked means every event.
import { parseRangeChoice, type RangeChoice } from './time-range';

export const FAMILIES = ['content', 'job', 'source', 'cache'] as const;
export type Family = (typeof FAMILIES)[number];
export const DEFAULT_FAMILIES: readonly Family[] = ['content'];

export interface HistoryForm {
  source: string;
  range: RangeChoice;
  from: string;
  to: string;
  families: readonly Family[];
}

export function formFromParams(params: Readonly<Record<string, string>>): HistoryForm {
  const asked = params['types'];
  const families = asked === undefined ? DEFAULT_FAMILIES : FAMILIES.filter((family) => asked.split(',').includes(family));
  return { source: params['source'] ?? '', range: parseRangeChoice(params['range']), from: params['from'] ?? '', to: params['to'] ?? '', families };
}

export function paramsFromForm(form: HistoryForm): Record<string, string | undefined> {
  return {
    source: form.source,
    range: form.range,
    from: form.range === 'custom' ? form.from : undefined,
    to: form.range === 'custom' ? form.to : undefined,
    // Always written (an empty value is left out of the URL and reads back as the default).
    types: form.families.length === 0 ? 'all' : form.families.join(','),
  };
}

/** The history route's `types`: the families' prefixes, or undefined for every event. */
export function typesFor(families: readonly Family[]): string[] | undefined {
  return families.length === 0 ? undefined : families.map((family) => `${family}.`);
}
