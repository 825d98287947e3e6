// The page: sign-in until there is a session, then the client (cookie auth, same origin)
// and the view the hash route names. An expired session keeps the page on screen with a
// notice and a sign-in form over it; the client has stopped reconnecting by then.
import { useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { createFreshetClient } from '@freshet/client';
import { FreshetProvider, useConnection } from '@freshet/client/react';
import { AdminView } from '../admin/AdminView';
import { hasScope, type Session } from '../auth/session-api';
import { SignInForm } from '../auth/SignInForm';
import { ConnectionIndicator } from '../connection/ConnectionIndicator';
import { HistoryView } from '../history/HistoryView';
import { I18nProvider, useI18n } from '../i18n/i18n-context';
import { WidgetsView } from '../widgets/WidgetsView';
import { isUnauthorized } from './error-reason';
import { routeHref, VIEWS, type Route } from './hash-route';
import { useHashRoute } from './use-hash-route';
import { useSession, type SessionControls } from './use-session';

export function App({ initialToken }: { initialToken: string | undefined }) {
  return (
    <I18nProvider>
      <Shell initialToken={initialToken} />
    </I18nProvider>
  );
}

function Shell({ initialToken }: { initialToken: string | undefined }) {
  const { t } = useI18n();
  const controls = useSession(initialToken);
  const route = useHashRoute();
  const { state } = controls;
  if (state.phase === 'checking') {
    return (
      <Frame>
        <p className="loading" data-testid="session-checking">
          {t.signIn.checking}
        </p>
      </Frame>
    );
  }
  if (state.phase !== 'signed-in') {
    return (
      <Frame>
        <SignInForm
          busy={state.phase === 'signing-in'}
          notice={state.expired ? t.signIn.expired : undefined}
          error={state.phase === 'signed-out' && state.failure ? t.signIn.failed(state.failure.message) : undefined}
          onSubmit={controls.signIn}
        />
      </Frame>
    );
  }
  return <SignedIn session={state.session} expired={state.expired} failure={state.failure} route={route} controls={controls} />;
}

/** The header of the signed-out page. */
function Frame({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="page">
      <header className="topbar">
        <h1>{t.appTitle}</h1>
        <span className="spacer" />
        <LanguageToggle />
      </header>
      <main>{children}</main>
    </div>
  );
}

interface SignedInProps {
  session: Session;
  expired: boolean;
  failure: { code: string; message: string } | undefined;
  route: Route;
  controls: SessionControls;
}

function SignedIn({ session, expired, failure, route, controls }: SignedInProps) {
  const { t } = useI18n();
  // One client per session: a new sign-in (maybe another tenant) starts a new one.
  const client = useMemo(() => createFreshetClient({ baseUrl: '', tenant: session.tenant, auth: { kind: 'cookie' } }), [session]);
  useEffect(() => () => client.close(), [client]);
  const { expire } = controls;
  const onUnauthorized = useCallback((error: unknown) => {
    if (isUnauthorized(error)) expire();
  }, [expire]);

  return (
    <FreshetProvider client={client}>
      <ExpiryWatcher onExpired={expire} />
      <div className="page" data-testid="page" data-view={route.view} data-tenant={session.tenant}>
        <header className="topbar">
          <h1>{t.appTitle}</h1>
          <nav className="views">
            {VIEWS.map((view) => (
              <a key={view} href={routeHref(view)} data-testid={`nav-${view}`} aria-current={route.view === view ? 'page' : undefined}>
                {t.nav[view]}
              </a>
            ))}
          </nav>
          <span className="spacer" />
          <ConnectionIndicator />
          <span className="tenant" data-testid="session-tenant" title={t.signIn.tenant}>
            {session.tenant}
          </span>
          <LanguageToggle />
          <button type="button" data-testid="signout" onClick={controls.signOut}>
            {t.signIn.signOut}
          </button>
        </header>
        {expired && (
          <div className="expired" data-testid="session-expired" role="alert">
            <SignInForm busy={false} notice={t.signIn.expired} error={failure ? t.signIn.failed(failure.message) : undefined} onSubmit={controls.signIn} />
          </div>
        )}
        <main>
          {route.view === 'widgets' && <WidgetsView session={session} onUnauthorized={onUnauthorized} />}
          {route.view === 'history' && <HistoryView params={route.params} onUnauthorized={onUnauthorized} />}
          {route.view === 'admin' &&
            (hasScope(session, 'admin:read') ? (
              <AdminView canRetry={hasScope(session, 'admin:write')} onUnauthorized={onUnauthorized} />
            ) : (
              <p className="problem" data-testid="admin-forbidden">
                {t.admin.needsScope}
              </p>
            ))}
        </main>
      </div>
    </FreshetProvider>
  );
}

/** The stream said the credential expired: the client stops; the page asks for a new sign-in. */
function ExpiryWatcher({ onExpired }: { onExpired(): void }) {
  const { state } = useConnection();
  useEffect(() => {
    if (state === 'auth-expired') onExpired();
  }, [state, onExpired]);
  return null;
}

function LanguageToggle() {
  const { t, lang, toggle } = useI18n();
  return (
    <button type="button" className="lang" data-testid="lang-toggle" data-lang={lang} onClick={toggle} aria-label={t.language.label} lang={lang === 'tr' ? 'en' : 'tr'}>
      {t.language.toggle}
    </button>
  );
}
