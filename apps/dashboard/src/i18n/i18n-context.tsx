// The page's language for every component: the messages, the language itself (for number
// and date formats) and the toggle, which remembers the choice in localStorage.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LANG_STORAGE_KEY, otherLanguage, pickLanguage, type Lang } from './language';
import { MESSAGES, type Messages } from './messages';

interface I18n {
  lang: Lang;
  t: Messages;
  toggle(): void;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function readStored(): string | null {
  try {
    return window.localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    return null; // storage disabled (privacy mode): the choice just is not remembered
  }
}

function store(lang: Lang): void {
  try {
    window.localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // as above
  }
}

export function initialLanguage(): Lang {
  return pickLanguage({ search: window.location.search, stored: readStored(), browser: navigator.languages?.length ? navigator.languages : [navigator.language ?? ''] });
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const toggle = useCallback(() => {
    setLang((current) => {
      const next = otherLanguage(current);
      store(next);
      return next;
    });
  }, []);
  const value = useMemo(() => ({ lang, t: MESSAGES[lang], toggle }), [lang, toggle]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
