// Turns one page body into keyed, hashed records: selects the record array, checks
// each record has a usable primary key, and either fails the page or skips and counts
// the bad ones, as the source's policy says.
import type { HttpConnector } from '@freshet/contracts';
import { InvalidUpstreamPageError } from '../connector-errors';
import { contentHash } from '../content-hash';
import type { FetchedRecord } from '../record-diff';
import { readPath } from './json-path';

export interface ExtractedPage {
  records: FetchedRecord[];
  skipped: number;
}

function usableKey(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function extractRecords(
  config: Pick<HttpConnector, 'recordSelector' | 'primaryKey' | 'onInvalidRecord'>,
  body: unknown,
  url: string,
  page: number,
): ExtractedPage {
  const list = readPath(body, config.recordSelector);
  if (!Array.isArray(list)) {
    const where = config.recordSelector === '' ? 'the body' : `"${config.recordSelector}"`;
    throw new InvalidUpstreamPageError(url, page, `expected ${where} to be an array of records`);
  }
  const records: FetchedRecord[] = [];
  let skipped = 0;
  list.forEach((item: unknown, index) => {
    const record = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const key = record ? usableKey(record[config.primaryKey]) : undefined;
    if (!record || key === undefined) {
      if (config.onInvalidRecord === 'skip') {
        skipped += 1;
        return;
      }
      const reason = record ? `has no usable primary key "${config.primaryKey}"` : 'is not an object';
      throw new InvalidUpstreamPageError(url, page, `record ${index} ${reason}`);
    }
    records.push({ key, hash: contentHash(record), record });
  });
  return { records, skipped };
}
