// The admin overview: jobs by status and priority, dead jobs with their errors and a
// retry, cache hit ratio and the served-from mix, every source's freshness, kept live by
// the client from the admin channel (job.*, source.status, cache.*, metrics.updated).
import { useState } from 'react';
import type { MetricsUpdatedData, OverviewSource, TenantOverview } from '@freshet/contracts';
import { useFreshetClient, useOverview } from '@freshet/client/react';
import { errorReason } from '../app/error-reason';
import { useNow } from '../app/use-now';
import { formatAge, formatInstant, formatPercent } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { FreshnessBadge } from '../widgets/FreshnessBadge';
import { hitRatio, jobStatusRows, priorityRows, servedFromMix } from './overview-model';

export function AdminView({ canRetry, onUnauthorized }: { canRetry: boolean; onUnauthorized(error: unknown): void }) {
  const { t, lang } = useI18n();
  const state = useOverview();
  const now = useNow(1_000);
  const overview = state.overview;

  if (!overview) {
    if (state.status === 'error') {
      return (
        <div className="problem" role="alert" data-testid="overview-error" data-code={state.error?.code}>
          <span>{t.admin.failed(state.error?.message ?? '')}</span>
          <button type="button" data-testid="overview-retry" onClick={() => void state.reload()}>
            {t.admin.retry}
          </button>
        </div>
      );
    }
    return <p className="loading" data-testid="overview-loading">{t.admin.loading}</p>;
  }
  return (
    <div className="admin" data-testid="admin" data-status={state.status}>
      <header className="admin-head">
        <h2>{t.admin.title}</h2>
        <span className="hint" data-testid="overview-updated" data-at={state.lastEventAt}>
          {state.lastEventAt !== undefined ? t.admin.updated(formatAge(now - state.lastEventAt, lang)) : t.admin.notUpdated}
        </span>
      </header>
      {state.status === 'error' && state.error && (
        <p className="problem" role="alert" data-testid="overview-error">
          {t.admin.failed(state.error.message)}
        </p>
      )}
      {overview.unavailable.length > 0 && (
        <ul className="problem" data-testid="overview-unavailable">
          {overview.unavailable.map((part) => (
            <li key={part.part} data-part={part.part}>
              {t.admin.unavailable(part.part, part.message)}
            </li>
          ))}
        </ul>
      )}
      <div className="admin-grid">
        <Jobs jobs={overview.jobs} />
        <CacheReads cache={overview.cache} metrics={state.metrics} />
        <DeadJobs deadJobs={overview.deadJobs} canRetry={canRetry} onUnauthorized={onUnauthorized} />
        <Sources sources={overview.sources} truncated={overview.sourcesTruncated} now={now} />
      </div>
      <ClientStats />
    </div>
  );
}

function Jobs({ jobs }: { jobs: TenantOverview['jobs'] }) {
  const { t, lang } = useI18n();
  if (!jobs) return null;
  return (
    <section className="panel" data-testid="jobs">
      <h3>{t.admin.jobsByStatus}</h3>
      <table className="numbers">
        <tbody>
          {jobStatusRows(jobs.byStatus).map(({ status, count }) => (
            <tr key={status} data-testid={`jobs-status-${status}`} data-count={count}>
              <th scope="row">{t.admin.status[status]}</th>
              <td>{count}</td>
            </tr>
          ))}
          <tr data-testid="jobs-total" data-count={jobs.total}>
            <th scope="row">{t.admin.total}</th>
            <td>{jobs.total}</td>
          </tr>
        </tbody>
      </table>
      {jobs.oldestQueuedAgeMs !== null && <p className="hint">{t.admin.oldestQueued(formatAge(jobs.oldestQueuedAgeMs, lang))}</p>}
      <h3>{t.admin.jobsByPriority}</h3>
      <table className="numbers">
        <tbody>
          {priorityRows(jobs.byPriority).map(({ priority, count }) => (
            <tr key={priority} data-testid={`jobs-priority-${priority}`} data-count={count}>
              <th scope="row">
                {priority}
                {t.admin.priorityNames[priority] ? ` · ${t.admin.priorityNames[priority]}` : ''}
              </th>
              <td>{count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CacheReads({ cache, metrics }: { cache: TenantOverview['cache']; metrics: MetricsUpdatedData | undefined }) {
  const { t, lang } = useI18n();
  if (!cache) return null;
  const ratio = hitRatio(cache);
  const mix = servedFromMix(cache.servedFrom);
  const windowReads = metrics ? metrics.hits + metrics.misses : 0;
  return (
    <section className="panel" data-testid="cache">
      <h3>{t.admin.cache}</h3>
      <p className="big" data-testid="cache-hit-ratio" data-ratio={ratio ?? ''}>
        {t.admin.hitRatio}: {ratio === null ? t.admin.noReads : formatPercent(ratio, lang)}
      </p>
      <p className="hint" data-testid="cache-hits">
        {t.admin.hits(cache.hits, cache.misses)}
      </p>
      <h3>{t.admin.servedFromMix}</h3>
      <svg className="mix" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={t.admin.servedFromMix} data-testid="served-from-bar">
        {mix.map((segment) =>
          segment.share > 0 ? <rect key={segment.where} className={`mix-${segment.where}`} x={segment.offset * 100} y={0} width={segment.share * 100} height={8} /> : null,
        )}
      </svg>
      <ul className="legend">
        {mix.map((segment) => (
          <li key={segment.where} data-testid={`served-from-${segment.where}`} data-count={segment.count}>
            <span className={`swatch mix-${segment.where}`} aria-hidden="true" />
            {t.servedFrom[segment.where]}: {segment.count} ({formatPercent(segment.share, lang)})
          </li>
        ))}
      </ul>
      {metrics && (
        <p className="hint" data-testid="cache-window" data-hits={metrics.hits} data-misses={metrics.misses}>
          {formatInstant(metrics.window.from, lang)} – {formatInstant(metrics.window.to, lang)}: {t.admin.hits(metrics.hits, metrics.misses)}
          {windowReads > 0 ? ` (${formatPercent(metrics.hits / windowReads, lang)})` : ''}
        </p>
      )}
    </section>
  );
}

function DeadJobs({ deadJobs, canRetry, onUnauthorized }: { deadJobs: TenantOverview['deadJobs']; canRetry: boolean; onUnauthorized(error: unknown): void }) {
  const { t, lang } = useI18n();
  const client = useFreshetClient();
  const [retries, setRetries] = useState<Record<string, { busy: boolean; text?: string; failed?: boolean }>>({});
  if (!deadJobs) return null;
  const retry = async (jobId: string) => {
    setRetries((r) => ({ ...r, [jobId]: { busy: true } }));
    try {
      const { jobId: newJob } = await client.retryJob(jobId);
      setRetries((r) => ({ ...r, [jobId]: { busy: false, text: t.admin.retried(newJob) } }));
    } catch (error) {
      onUnauthorized(error);
      setRetries((r) => ({ ...r, [jobId]: { busy: false, failed: true, text: t.admin.retryFailed(errorReason(error).message) } }));
    }
  };
  return (
    <section className="panel wide" data-testid="dead-jobs" data-count={deadJobs.length}>
      <h3>{t.admin.deadJobs}</h3>
      {deadJobs.length === 0 ? (
        <p className="empty">{t.admin.noDeadJobs}</p>
      ) : (
        <table className="records">
          <tbody>
            {deadJobs.map((job) => {
              const outcome = retries[job.jobId];
              return (
                <tr key={job.jobId} data-testid={`dead-job-${job.jobId}`} data-source={job.source}>
                  <td>{job.source}</td>
                  <td className="error-text" data-testid={`dead-job-error-${job.jobId}`}>
                    {job.lastError ? `${job.lastError.code}: ${job.lastError.message}` : job.reason}
                  </td>
                  <td>{t.admin.attempts(job.attempts)}</td>
                  <td>{job.finishedAt ? formatInstant(job.finishedAt, lang) : ''}</td>
                  <td>
                    <button
                      type="button"
                      data-testid={`retry-job-${job.jobId}`}
                      disabled={!canRetry || outcome?.busy === true}
                      title={canRetry ? undefined : t.admin.retryNeedsScope}
                      onClick={() => void retry(job.jobId)}
                    >
                      {outcome?.busy ? t.admin.retrying : t.admin.retryJob}
                    </button>
                    {outcome?.text !== undefined && (
                      <span className={outcome.failed ? 'problem' : 'hint'} data-testid={`retry-job-result-${job.jobId}`}>
                        {' '}
                        {outcome.text}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Sources({ sources, truncated, now }: { sources: TenantOverview['sources']; truncated: boolean; now: number }) {
  const { t, lang } = useI18n();
  if (!sources) return null;
  return (
    <section className="panel wide" data-testid="admin-sources">
      <h3>{t.admin.sources}</h3>
      <table className="records">
        <thead>
          <tr>
            <th scope="col">{t.admin.sourceColumns.source}</th>
            <th scope="col">{t.admin.sourceColumns.state}</th>
            <th scope="col">{t.admin.sourceColumns.synced}</th>
            <th scope="col">{t.admin.sourceColumns.records}</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((source: OverviewSource) => (
            <tr key={source.source} data-testid={`admin-source-${source.source}`} data-state={source.state}>
              <th scope="row">{source.displayName ?? source.source}</th>
              <td>
                <FreshnessBadge testId={`admin-badge-${source.source}`} freshness={source.state} reason={source.error} />
                {source.error !== undefined && <span className="error-text"> {source.error}</span>}
              </td>
              <td>{source.lastSyncedAt === null ? '—' : formatAge(now - Date.parse(source.lastSyncedAt), lang)}</td>
              <td>{source.count ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {truncated && <p className="hint">{t.admin.truncated}</p>}
    </section>
  );
}

/** What this page's client saw: malformed events ignored, duplicates, reconnects, resets. Read on every tick. */
function ClientStats() {
  const { t } = useI18n();
  const client = useFreshetClient();
  const stats = client.stats;
  return (
    <p className="hint" data-testid="client-stats" data-malformed={stats.malformedEvents} data-duplicates={stats.duplicateEvents} data-reconnects={stats.reconnects} data-resets={stats.resets}>
      {t.admin.clientStats(stats.malformedEvents, stats.duplicateEvents, stats.reconnects, stats.resets)}
    </p>
  );
}
