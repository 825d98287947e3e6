// The page's sign-in state: checking the cookie, signed out (with why), signing in, or
// signed in with a session, which is marked expired when its time is up or when the
// gateway says so (a 401, or the stream's auth-expired). A token from the URL fragment is
// exchanged at once; the page never stores a token.
import { useCallback, useEffect, useRef, useState } from 'react';
import { closeSession, msUntilExpiry, openSession, readSession, type Session, type SessionAnswer } from '../auth/session-api';

export type SessionPhase =
  | { phase: 'checking' }
  | { phase: 'signed-out'; failure?: { code: string; message: string } | undefined; expired?: boolean }
  | { phase: 'signing-in'; expired?: boolean }
  | { phase: 'signed-in'; session: Session; expired: boolean; failure?: { code: string; message: string } | undefined };

export interface SessionControls {
  state: SessionPhase;
  signIn(token: string): void;
  signOut(): void;
  /** The credential stopped working (401 or auth-expired): ask for a new sign-in, keep the page. */
  expire(): void;
}

const EXPIRED_CODES = new Set(['TOKEN_EXPIRED']);

export function useSession(initialToken: string | undefined): SessionControls {
  const [state, setState] = useState<SessionPhase>({ phase: 'checking' });
  const started = useRef(false);

  const apply = useCallback((answer: SessionAnswer, fromToken: boolean) => {
    setState((current) => {
      if (answer.ok) return { phase: 'signed-in', session: answer.session, expired: false };
      const failure = answer.status === 401 && !fromToken ? undefined : { code: answer.code, message: answer.message };
      // A failed sign-in over an expired page keeps the page and shows why.
      if (current.phase === 'signed-in') return { ...current, failure };
      return { phase: 'signed-out', failure, expired: EXPIRED_CODES.has(answer.code) || (current.phase === 'signing-in' && current.expired === true) };
    });
  }, []);

  const signIn = useCallback(
    (token: string) => {
      setState((current) => (current.phase === 'signed-in' ? { ...current, failure: undefined } : { phase: 'signing-in', expired: current.phase === 'signed-out' && current.expired === true }));
      void openSession(token).then((answer) => apply(answer, true));
    },
    [apply],
  );

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (initialToken !== undefined) signIn(initialToken);
    else void readSession().then((answer) => apply(answer, false));
  }, [initialToken, signIn, apply]);

  const expire = useCallback(() => setState((current) => (current.phase === 'signed-in' && !current.expired ? { ...current, expired: true } : current)), []);

  // The session ends at its expiry even when no request notices (no stream open in history mode).
  const session = state.phase === 'signed-in' ? state.session : undefined;
  useEffect(() => {
    if (!session) return;
    const delay = msUntilExpiry(session, Date.now());
    if (delay === undefined) return;
    const timer = setTimeout(expire, delay);
    return () => clearTimeout(timer);
  }, [session, expire]);

  const signOut = useCallback(() => {
    void closeSession().then(() => setState({ phase: 'signed-out' }));
  }, []);

  return { state, signIn, signOut, expire };
}
