// The page's one stream, as the reader sees it: Canlı / Live, connecting, reconnecting
// (attempt n, next try in s), offline (with "reconnect now"), or an expired session.
import { useConnection } from '@freshet/client/react';
import { useNow } from '../app/use-now';
import { useI18n } from '../i18n/i18n-context';
import { connectionTone, offersReconnect, secondsUntilRetry } from './connection-view';

export function ConnectionIndicator() {
  const { t } = useI18n();
  const connection = useConnection();
  const now = useNow(1_000, connection.state === 'reconnecting');
  const seconds = secondsUntilRetry(connection, now);
  const details = connection.state === 'reconnecting' ? [t.connectionAttempt(connection.attempt), ...(seconds !== undefined ? [t.connectionRetryIn(seconds)] : [])] : [];
  return (
    <div
      className={`connection tone-${connectionTone(connection.state)}`}
      data-testid="connection"
      data-state={connection.state}
      data-attempt={connection.attempt}
      role="status"
      aria-live="polite"
      title={connection.lastError ? `${connection.lastError.code}: ${connection.lastError.message}` : undefined}
    >
      <span className="dot" aria-hidden="true" />
      <span data-testid="connection-label">{t.connection[connection.state]}</span>
      {details.length > 0 && <span className="connection-detail">({details.join(', ')})</span>}
      {offersReconnect(connection.state) && (
        <button type="button" data-testid="connection-retry" onClick={() => connection.retry()}>
          {t.reconnectNow}
        </button>
      )}
    </div>
  );
}
