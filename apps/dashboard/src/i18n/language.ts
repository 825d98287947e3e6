// Which language the page speaks: `?lang=tr|en` (handy for tests and links) wins, then the
// reader's own choice remembered in localStorage, then the browser's language (tr* →
// Turkish, anything else → English).
export const LANGUAGES = ['tr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const LANG_STORAGE_KEY = 'freshet.lang';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export interface LanguageInputs {
  /** `location.search`, e.g. `?lang=tr`. */
  search: string;
  /** What localStorage remembers (null when nothing, or storage is unavailable). */
  stored: string | null;
  /** `navigator.languages` (or `[navigator.language]`). */
  browser: readonly string[];
}

export function pickLanguage({ search, stored, browser }: LanguageInputs): Lang {
  const asked = new URLSearchParams(search).get('lang')?.toLowerCase();
  if (isLang(asked)) return asked;
  if (isLang(stored)) return stored;
  const first = browser.find((tag) => tag.trim() !== '') ?? '';
  return first.toLowerCase().startsWith('tr') ? 'tr' : 'en';
}

export function otherLanguage(lang: Lang): Lang {
  return lang === 'tr' ? 'en' : 'tr';
}
