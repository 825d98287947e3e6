// The historical view: pick a source and a time range, read what happened from the event
// log (GET …/history through the client, page by page). It subscribes to no source, so no
// stream is opened for it.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { HistoryPage } from '@freshet/client';
import { useFreshetClient } from '@freshet/client/react';
import { errorReason } from '../app/error-reason';
import { routeHref } from '../app/hash-route';
import { useSourceList } from '../app/use-source-list';
import { formatCell, formatInstant } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { describeEvent, summarizeChanges } from './change-summary';
import { FAMILIES, formFromParams, paramsFromForm, typesFor, type Family, type HistoryForm } from './history-params';
import { RANGE_PRESETS, resolveRange, toLocalInput, type RangeChoice, type RangeProblem } from './time-range';

const PAGE_LIMIT = 200;
const KEYS_SHOWN = 50;

type Events = HistoryPage['events'];
type Result =
  | { status: 'idle' }
  | { status: 'invalid'; problem: RangeProblem | 'no-source' }
  | { status: 'loading'; events: Events }
  | { status: 'ready'; events: Events; nextAfter?: string | undefined }
  | { status: 'error'; events: Events; message: string };

export function HistoryView({ params, onUnauthorized }: { params: Readonly<Record<string, string>>; onUnauthorized(error: unknown): void }) {
  const { t, lang } = useI18n();
  const client = useFreshetClient();
  const { list } = useSourceList(onUnauthorized);
  const applied = useMemo(() => formFromParams(params), [params]);
  const [form, setForm] = useState<HistoryForm>(applied);
  const [result, setResult] = useState<Result>({ status: 'idle' });
  const [run, setRun] = useState(0);
  // The query as applied: the URL's form plus the instant it was resolved against.
  const [query, setQuery] = useState<{ source: string; from: string; to: string; types?: string[] | undefined } | undefined>(undefined);

  useEffect(() => setForm(applied), [applied]);

  // The first source once the list is in, so "Show" works at once.
  useEffect(() => {
    if (form.source === '' && list.status === 'ready' && list.sources[0]) setForm((f) => ({ ...f, source: list.sources[0]!.source }));
  }, [list, form.source]);

  // Resolve the URL's form (on load, on every Show) into a query.
  useEffect(() => {
    if (applied.source === '') return;
    const range = resolveRange(applied, Date.now());
    if (!range.ok) {
      setQuery(undefined);
      setResult({ status: 'invalid', problem: range.problem });
      return;
    }
    setQuery({ source: applied.source, from: range.from, to: range.to, types: typesFor(applied.families) });
  }, [applied, run]);

  // Run it: the first page, then more on request.
  const load = (after: string | undefined, before: Events) => {
    if (!query) return () => undefined;
    let current = true;
    setResult({ status: 'loading', events: before });
    client
      .history(query.source, { from: query.from, to: query.to, limit: PAGE_LIMIT, ...(query.types ? { types: query.types } : {}), ...(after ? { after } : {}) })
      .then(
        (page) => current && setResult({ status: 'ready', events: [...before, ...page.events], nextAfter: page.nextAfter }),
        (error: unknown) => {
          if (!current) return;
          onUnauthorized(error);
          setResult({ status: 'error', events: before, message: errorReason(error).message });
        },
      );
    return () => {
      current = false;
    };
  };
  // Every new query starts over (`load` is rebuilt per render; the query is what matters).
  useEffect(() => load(undefined, []), [query]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (form.source === '') {
      setResult({ status: 'invalid', problem: 'no-source' });
      return;
    }
    const href = routeHref('history', paramsFromForm(form));
    if (window.location.hash === href) setRun((n) => n + 1);
    else window.location.hash = href;
  };

  const setRange = (range: RangeChoice) =>
    setForm((f) => (range === 'custom' && f.from === '' ? { ...f, range, from: toLocalInput(Date.now() - 3_600_000), to: '' } : { ...f, range }));
  const toggleFamily = (family: Family) =>
    setForm((f) => ({ ...f, families: f.families.includes(family) ? f.families.filter((x) => x !== family) : FAMILIES.filter((x) => x === family || f.families.includes(x)) }));

  const events = result.status === 'idle' || result.status === 'invalid' ? [] : result.events;
  const summary = useMemo(() => summarizeChanges(events), [events]);

  return (
    <div className="history" data-testid="history">
      <h2>{t.history.title}</h2>
      <p className="hint">{t.history.intro}</p>
      <form className="history-form" onSubmit={submit} data-testid="history-form">
        <label>
          {t.history.source}
          <select data-testid="history-source" value={form.source} onChange={(e) => setForm((f) => ({ ...f, source: e.target.value }))}>
            {form.source === '' && <option value="" />}
            {list.status === 'ready' &&
              list.sources.map((s) => (
                <option key={s.source} value={s.source}>
                  {s.displayName ?? s.source}
                </option>
              ))}
            {list.status === 'ready' && form.source !== '' && !list.sources.some((s) => s.source === form.source) && <option value={form.source}>{form.source}</option>}
          </select>
        </label>
        <label>
          {t.history.range}
          <select data-testid="history-range" value={form.range} onChange={(e) => setRange(e.target.value as RangeChoice)}>
            {[...RANGE_PRESETS, 'custom' as const].map((range) => (
              <option key={range} value={range}>
                {t.history.presets[range]}
              </option>
            ))}
          </select>
        </label>
        {form.range === 'custom' && (
          <>
            <label>
              {t.history.from}
              <input type="datetime-local" data-testid="history-from" value={form.from} onChange={(e) => setForm((f) => ({ ...f, from: e.target.value }))} />
            </label>
            <label>
              {t.history.to}
              <input type="datetime-local" data-testid="history-to" value={form.to} onChange={(e) => setForm((f) => ({ ...f, to: e.target.value }))} />
            </label>
          </>
        )}
        <fieldset>
          <legend>{t.history.types}</legend>
          {FAMILIES.map((family) => (
            <label key={family} className="check">
              <input type="checkbox" data-testid={`history-type-${family}`} checked={form.families.includes(family)} onChange={() => toggleFamily(family)} />
              {t.history.families[family]}
            </label>
          ))}
        </fieldset>
        <button type="submit" data-testid="history-show">
          {t.history.show}
        </button>
      </form>

      {result.status === 'invalid' && (
        <p className="problem" role="alert" data-testid="history-invalid" data-problem={result.problem}>
          {t.history.invalid[result.problem]}
        </p>
      )}
      {result.status === 'error' && (
        <p className="problem" role="alert" data-testid="history-error">
          {t.history.failed(result.message)}
        </p>
      )}
      {result.status !== 'idle' && result.status !== 'invalid' && (
        <div className="history-results" data-testid="history-results" data-status={result.status} data-count={events.length}>
          <p data-testid="history-summary" data-created={summary.created} data-updated={summary.updated} data-deleted={summary.deleted} data-keys={summary.keys.length}>
            {t.history.shown(events.length)} · {t.history.summary(summary.created, summary.updated, summary.deleted, summary.keys.length)}
          </p>
          {events.length === 0 && result.status === 'ready' && <p className="empty">{t.history.none}</p>}
          {summary.keys.length > 0 && (
            <details open>
              <summary data-testid="history-keys-toggle">{t.history.changedKeys}</summary>
              <table className="records" data-testid="history-keys">
                <tbody>
                  {summary.keys.slice(0, KEYS_SHOWN).map((change) => (
                    <tr key={change.key} data-testid={`history-key-${change.key}`} data-last={change.lastType}>
                      <th scope="row">{change.key}</th>
                      <td>{change.record ? formatCell(change.record['name'] ?? change.record['title'] ?? '', lang) : '—'}</td>
                      <td>
                        +{change.created} ~{change.updated} −{change.deleted}
                      </td>
                      <td>{formatInstant(change.lastTime, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
          {events.length > 0 && (
            <table className="records events" data-testid="history-events">
              <thead>
                <tr>
                  <th scope="col">{t.history.columns.time}</th>
                  <th scope="col">{t.history.columns.type}</th>
                  <th scope="col">{t.history.columns.key}</th>
                  <th scope="col">{t.history.columns.detail}</th>
                </tr>
              </thead>
              <tbody>
                {events.map(({ position, event }) => {
                  const { key, detail } = describeEvent(event);
                  return (
                    <tr key={String(position)} data-testid="history-event" data-type={event.type} data-position={String(position)}>
                      <td>{formatInstant(event.time, lang)}</td>
                      <td>
                        <code>{event.type}</code>
                      </td>
                      <td>{key}</td>
                      <td>{detail}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {result.status === 'loading' && <p className="loading" data-testid="history-loading">{t.history.loading}</p>}
          {result.status === 'ready' && result.nextAfter !== undefined && (
            <button type="button" data-testid="history-more" onClick={() => load(result.nextAfter, result.events)}>
              {t.history.more}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
