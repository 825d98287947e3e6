// The sign-in form: a token in, a session cookie out (App does the exchange). Shown when
// no session exists, and over the page when the session expired.
import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n-context';

export interface SignInFormProps {
  busy: boolean;
  /** Why the reader is asked (the session expired), if there is a reason. */
  notice?: string | undefined;
  error?: string | undefined;
  onSubmit(token: string): void;
}

export function SignInForm({ busy, notice, error, onSubmit }: SignInFormProps) {
  const { t } = useI18n();
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim();
    if (trimmed === '') return;
    onSubmit(trimmed);
    setToken('');
  };
  return (
    <form className="signin" data-testid="signin-form" onSubmit={submit} autoComplete="off">
      <h2>{t.signIn.title}</h2>
      {notice !== undefined && (
        <p className="notice" role="alert" data-testid="signin-notice">
          {notice}
        </p>
      )}
      <p>{t.signIn.intro}</p>
      <label>
        {t.signIn.token}
        <textarea data-testid="signin-token" value={token} onChange={(event) => setToken(event.target.value)} rows={3} spellCheck={false} autoCapitalize="off" autoCorrect="off" required />
      </label>
      {error !== undefined && (
        <p className="problem" role="alert" data-testid="signin-error">
          {error}
        </p>
      )}
      <button type="submit" data-testid="signin-submit" disabled={busy || token.trim() === ''}>
        {busy ? t.signIn.signingIn : t.signIn.submit}
      </button>
      <p className="hint">{t.signIn.hint}</p>
    </form>
  );
}
