// `https://gateway/#token=<JWT>` signs a reader in with one link (what `npm start` prints).
// A fragment never leaves the browser (no request, no server log, no Referer), and the page
// removes it at once with history.replaceState so it does not stay in the address bar or
// the history. Everything else in the fragment (a route such as `#/admin`) is kept:
// `#/admin&token=…`, `#token=…&lang=tr` and `#/history?source=a&token=…` all work.

export interface FragmentToken {
  /** The token, when the fragment carried one. */
  token: string | undefined;
  /** The fragment without it (`''` when nothing is left), to put back with replaceState. */
  rest: string;
}

const TOKEN_PARAM = 'token';

/** Splits `location.hash` into the token and what remains. Pure: the caller rewrites the URL. */
export function extractFragmentToken(hash: string): FragmentToken {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  // A route (`/history?…`) is followed by its query; a bare fragment is all parameters.
  const routeEnd = fragment.startsWith('/') ? firstIndexOf(fragment, ['?', '&']) : 0;
  const route = fragment.slice(0, routeEnd);
  const params = fragment.slice(routeEnd).replace(/^[?&]/, '');
  let token: string | undefined;
  const kept: string[] = [];
  for (const part of params.split('&')) {
    if (part === '') continue;
    const [name = '', ...value] = part.split('=');
    if (name === TOKEN_PARAM) {
      const decoded = safeDecode(value.join('='));
      // An empty `#token=` carries nothing; the last non-empty one wins.
      if (decoded.trim() !== '') token = decoded.trim();
    } else {
      kept.push(part);
    }
  }
  const query = kept.join('&');
  const rest = route !== '' ? (query !== '' ? `${route}?${query}` : route) : query;
  return { token, rest: rest === '' ? '' : `#${rest}` };
}

function firstIndexOf(text: string, needles: readonly string[]): number {
  const found = needles.map((needle) => text.indexOf(needle)).filter((index) => index >= 0);
  return found.length > 0 ? Math.min(...found) : text.length;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
