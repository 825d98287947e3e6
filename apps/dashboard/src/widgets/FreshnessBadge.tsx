// A freshness badge: the state's label in the page's language, its colour from the state,
// the reason (of an error) on hover. `data-freshness` carries the state for tests and CSS.
import type { Freshness } from '@freshet/client';
import { useI18n } from '../i18n/i18n-context';

export function FreshnessBadge({ testId, freshness, reason }: { testId: string; freshness: Freshness; reason?: string | undefined }) {
  const { t } = useI18n();
  const hint = reason ? `${t.freshnessHint[freshness]}: ${reason}` : t.freshnessHint[freshness];
  return (
    <span className={`badge badge-${freshness}`} data-testid={testId} data-freshness={freshness} title={hint} role="status">
      {t.freshness[freshness]}
    </span>
  );
}
