// One source's widget: its freshness badge, a refresh button, what the data is (count,
// age, where it was served from), an error with its reason and a retry, a chart and the
// table. Everything comes from the client's useSource; the widget holds only what the
// reader did (a refresh in flight, its failure).
import { useLayoutEffect, useState } from 'react';
import { useSource } from '@freshet/client/react';
import type { SourceState } from '@freshet/client';
import { errorReason } from '../app/error-reason';
import { useNow } from '../app/use-now';
import { formatAge } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { markFirstRender } from './first-render';
import { FreshnessBadge } from './FreshnessBadge';
import { Histogram } from './Histogram';
import { RecordTable } from './RecordTable';
import { badgeFreshness, retryAction, showsBadge } from './widget-state';

export interface SourceWidgetProps {
  tenant: string;
  source: string;
  displayName?: string | undefined;
  canRefresh: boolean;
  onUnauthorized(error: unknown): void;
}

export function SourceWidget({ tenant, source, displayName, canRefresh, onUnauthorized }: SourceWidgetProps) {
  const { t } = useI18n();
  const state = useSource(tenant, source);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<string | undefined>(undefined);

  useLayoutEffect(() => {
    if (state.status === 'ready') markFirstRender(source, state.records.length);
  }, [state.status, state.records.length, source]);

  const refresh = async () => {
    setRefreshing(true);
    setRefreshError(undefined);
    try {
      await state.refresh();
    } catch (error) {
      onUnauthorized(error);
      setRefreshError(t.widgets.refreshFailed(errorReason(error).message));
    } finally {
      setRefreshing(false);
    }
  };
  const retry = retryAction(state);
  const freshness = badgeFreshness(state);
  const headingId = `widget-title-${source}`;

  return (
    <section className="widget" data-testid={`widget-${source}`} data-status={state.status} data-freshness={freshness} aria-labelledby={headingId}>
      <header className="widget-head">
        <h2 id={headingId}>{displayName ?? source}</h2>
        {showsBadge(state) && <FreshnessBadge testId={`badge-${source}`} freshness={freshness} reason={state.error?.message} />}
        <button
          type="button"
          className="refresh"
          data-testid={`refresh-${source}`}
          disabled={!canRefresh || refreshing}
          title={canRefresh ? undefined : t.widgets.refreshNeedsScope}
          onClick={() => void refresh()}
        >
          {refreshing ? t.widgets.refreshing : t.widgets.refresh}
        </button>
      </header>
      <WidgetMeta source={source} state={state} />
      {refreshError !== undefined && (
        <p className="problem" role="alert" data-testid={`refresh-error-${source}`}>
          {refreshError}
        </p>
      )}
      {state.error !== undefined && (state.status === 'error' || state.freshness === 'error') && (
        <div className="problem" role="alert" data-testid={`error-${source}`} data-code={state.error.code}>
          <span>{state.status === 'error' ? t.widgets.snapshotFailed(state.error.message) : state.error.message}</span>
          {retry !== undefined && (
            <button type="button" data-testid={`retry-${source}`} disabled={retry === 'refresh' && (!canRefresh || refreshing)} onClick={() => void (retry === 'reload' ? state.reload() : refresh())}>
              {t.widgets.retry}
            </button>
          )}
        </div>
      )}
      {state.records.length === 0 && (state.status === 'loading' || state.status === 'idle') ? (
        <p className="loading" data-testid={`loading-${source}`}>
          {t.widgets.loading}
        </p>
      ) : state.status !== 'error' || state.records.length > 0 ? (
        <div className="widget-body">
          <Histogram source={source} records={state.records} />
          <RecordTable source={source} records={state.records} changed={state.changed} />
        </div>
      ) : null}
    </section>
  );
}

/** Count, age and origin of the data; the only part of a widget that ticks every second. */
function WidgetMeta({ source, state }: { source: string; state: SourceState }) {
  const { t, lang } = useI18n();
  const now = useNow(1_000, state.status === 'ready');
  if (state.status !== 'ready' && state.records.length === 0) return null;
  const lastSyncedAt = state.lastSyncedAt !== undefined ? state.lastSyncedAt : (state.meta?.lastSyncedAt ?? null);
  const parts = [
    t.widgets.records(state.records.length),
    lastSyncedAt === null ? t.widgets.neverSynced : t.widgets.lastSynced(formatAge(now - Date.parse(lastSyncedAt), lang)),
    ...(state.meta ? [t.widgets.servedFrom(t.servedFrom[state.meta.servedFrom])] : []),
  ];
  return (
    <p className="meta" data-testid={`meta-${source}`} data-count={state.records.length} data-served-from={state.meta?.servedFrom}>
      {parts.join(' · ')}
    </p>
  );
}
