// What the live view showed last time in this browser — the tenant and its first sources —
// so the boot script can ask for all of it at once on the next load, in parallel, instead
// of one request after another (each next one would wait for the app's bundle to finish
// evaluating before it could even be sent). A wrong or old hint costs a few unused
// requests: the gateway still decides every answer by the cookie, and the client only
// takes early answers for the URLs it asks for itself. Names only, nothing secret.
const HINT_KEY = 'freshet:first-screen';
/** Sources asked early: the first screen's worth of widgets. */
export const FIRST_SCREEN_SOURCES = 8;

export interface FirstScreenHint {
  tenant: string;
  sources: string[];
}

type HintStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The hint stored last, if it is one; never throws (storage may be disabled). */
export function readFirstScreenHint(storage: HintStorage | undefined): FirstScreenHint | undefined {
  try {
    const value = JSON.parse(storage?.getItem(HINT_KEY) ?? 'null') as Partial<FirstScreenHint> | null;
    if (typeof value?.tenant !== 'string' || !Array.isArray(value.sources) || !value.sources.every((s) => typeof s === 'string')) return undefined;
    return { tenant: value.tenant, sources: value.sources.slice(0, FIRST_SCREEN_SOURCES) };
  } catch {
    return undefined;
  }
}

/** Remembers what the live view shows now (only when it changed: no write per render). */
export function rememberFirstScreen(storage: HintStorage | undefined, hint: FirstScreenHint): void {
  const value = JSON.stringify({ tenant: hint.tenant, sources: hint.sources.slice(0, FIRST_SCREEN_SOURCES) });
  try {
    if (storage?.getItem(HINT_KEY) !== value) storage?.setItem(HINT_KEY, value);
  } catch {
    // Storage full or disabled: the next load just asks one request after another.
  }
}

export function forgetFirstScreen(storage: HintStorage | undefined): void {
  try {
    storage?.removeItem(HINT_KEY);
  } catch {
    // nothing to forget
  }
}

/** window.localStorage, or undefined where touching it throws (some privacy modes). */
export function browserStorage(): HintStorage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
