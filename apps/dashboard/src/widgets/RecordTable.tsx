// A source's records as a table, one page of PAGE_SIZE rows at a time (a 1,000-record
// source renders 50 rows, not 1,000), sortable by a column, with the cells an event
// changed flashing. Rows are memoized: an event that changes one record re-renders one
// row (the records of unchanged keys keep their identity in the client's state).
import { memo, useMemo, useRef, useState } from 'react';
import type { SourceState } from '@freshet/client';
import { useI18n } from '../i18n/i18n-context';
import { formatCell } from '../i18n/format';
import type { Lang } from '../i18n/language';
import { changedColumns } from './flash';
import { nextSort, pageWindow, pickColumns, sortRows, type SortOrder } from './table-model';
import { useFlash } from './use-flash';

type Records = SourceState['records'];
type RecordValue = Readonly<Record<string, unknown>>;

const NO_CELLS: ReadonlySet<string> = new Set();

export function RecordTable({ source, records, changed }: { source: string; records: Records; changed: SourceState['changed'] }) {
  const { t, lang } = useI18n();
  const [requestedPage, setPage] = useState(0);
  const [sort, setSort] = useState<SortOrder | undefined>(undefined);
  const flashes = useFlash(changed);

  // The same column list (same identity) as long as the same fields are seen, so rows stay memoized.
  const signature = pickColumns(records).join('\u0000');
  const columns = useMemo(() => (signature === '' ? [] : signature.split('\u0000')), [signature]);
  const sorted = useMemo(() => sortRows(records, sort), [records, sort]);
  const visible = pageWindow(sorted.length, requestedPage);
  const rows = sorted.slice(visible.start, visible.end);

  if (records.length === 0) return <p className="empty" data-testid={`empty-${source}`}>{t.widgets.empty}</p>;
  return (
    <div className="table-wrap">
      <table className="records" data-testid={`table-${source}`}>
        <thead>
          <tr>
            {columns.map((column) => {
              const direction = sort?.column === column ? sort.direction : undefined;
              return (
                <th key={column} scope="col" aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none'}>
                  <button type="button" className="sort" data-testid={`sort-${source}-${column}`} title={t.widgets.sortBy(column)} onClick={() => setSort((current) => nextSort(current, column))}>
                    {column}
                    <span aria-hidden="true">{direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, record }) => (
            <Row key={key} source={source} rowKey={key} record={record} columns={columns} flashSince={flashes.get(key)?.since ?? 0} lang={lang} />
          ))}
        </tbody>
      </table>
      <nav className="pager" data-testid={`pager-${source}`} aria-label={source}>
        <button type="button" data-testid={`page-prev-${source}`} disabled={visible.page === 0} onClick={() => setPage(visible.page - 1)} aria-label={t.widgets.previous}>
          ‹
        </button>
        <span data-testid={`page-info-${source}`} data-page={visible.page + 1} data-pages={visible.pageCount}>
          {t.widgets.rows(visible.start + 1, visible.end, sorted.length)}
        </span>
        <button type="button" data-testid={`page-next-${source}`} disabled={visible.page >= visible.pageCount - 1} onClick={() => setPage(visible.page + 1)} aria-label={t.widgets.next}>
          ›
        </button>
      </nav>
    </div>
  );
}

interface RowProps {
  source: string;
  rowKey: string;
  record: RecordValue;
  columns: readonly string[];
  /** When this row's flash started (0: not flashing). */
  flashSince: number;
  lang: Lang;
}

const Row = memo(function Row({ source, rowKey, record, columns, flashSince, lang }: RowProps) {
  // The record this row showed before its latest change: the cells that differ flash.
  const shown = useRef<{ current: RecordValue; previous: RecordValue | undefined }>({ current: record, previous: undefined });
  if (shown.current.current !== record) shown.current = { current: record, previous: shown.current.current };
  const previous = shown.current.previous;
  const flashing = useMemo(() => (flashSince > 0 ? changedColumns(previous, record, columns) : NO_CELLS), [flashSince, previous, record, columns]);
  return (
    <tr data-testid={`row-${source}-${rowKey}`} data-key={rowKey} data-flash={flashSince > 0 ? 'true' : undefined} className={flashSince > 0 ? 'row-flash' : undefined}>
      {columns.map((column) => {
        const flash = flashing.has(column);
        // A new key per flash restarts the CSS animation when a cell changes again.
        return (
          <td key={flash ? `${column}@${flashSince}` : column} data-testid={`cell-${source}-${rowKey}-${column}`} className={flash ? 'flash' : undefined}>
            {formatCell(record[column], lang, column)}
          </td>
        );
      })}
    </tr>
  );
});
