// The live view: a widget per source of the tenant. Mounting the widgets subscribes their
// sources, which opens the page's one SSE stream (the client adds a channel per source).
import { useEffect } from 'react';
import { browserStorage, rememberFirstScreen } from '../boot/first-screen-hint';
import { useI18n } from '../i18n/i18n-context';
import type { Session } from '../auth/session-api';
import { hasScope } from '../auth/session-api';
import { useSourceList } from '../app/use-source-list';
import { SourceWidget } from './SourceWidget';

export function WidgetsView({ session, onUnauthorized }: { session: Session; onUnauthorized(error: unknown): void }) {
  const { t } = useI18n();
  const { list, retry } = useSourceList(onUnauthorized);
  const shown = list.status === 'ready' ? list.sources.map((s) => s.source).join('\n') : undefined;
  useEffect(() => {
    // Next load, the boot script asks for this screen's data at once (boot/boot.ts).
    if (shown !== undefined) rememberFirstScreen(browserStorage(), { tenant: session.tenant, sources: shown === '' ? [] : shown.split('\n') });
  }, [session.tenant, shown]);
  if (list.status === 'loading') return <p className="loading" data-testid="sources-loading">{t.widgets.loadingSources}</p>;
  if (list.status === 'error') {
    return (
      <div className="problem" role="alert" data-testid="sources-error" data-code={list.reason.code}>
        <span>{t.widgets.sourcesFailed(list.reason.message)}</span>
        <button type="button" data-testid="sources-retry" onClick={retry}>
          {t.widgets.retry}
        </button>
      </div>
    );
  }
  if (list.sources.length === 0) return <p className="empty" data-testid="sources-empty">{t.widgets.noSources}</p>;
  const canRefresh = hasScope(session, 'sources:refresh');
  return (
    <div className="widgets" data-testid="widgets">
      {list.sources.map((source) => (
        <SourceWidget key={source.source} tenant={session.tenant} source={source.source} displayName={source.displayName} canRefresh={canRefresh} onUnauthorized={onUnauthorized} />
      ))}
    </div>
  );
}
