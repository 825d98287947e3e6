// The page's three views live in the URL fragment, so links and reloads land on the same
// view and the gateway only ever serves one file: `#/` (live widgets), `#/history`
// (with its form in the query: `#/history?source=products&range=1h`) and `#/admin`.
export const VIEWS = ['widgets', 'history', 'admin'] as const;
export type View = (typeof VIEWS)[number];

export interface Route {
  view: View;
  params: Readonly<Record<string, string>>;
}

const PATHS: Record<View, string> = { widgets: '/', history: '/history', admin: '/admin' };

export function parseRoute(hash: string): Route {
  const fragment = hash.replace(/^#/, '');
  const queryAt = fragment.indexOf('?');
  const path = (queryAt >= 0 ? fragment.slice(0, queryAt) : fragment).replace(/\/+$/, '') || '/';
  const view = VIEWS.find((candidate) => PATHS[candidate] === path) ?? 'widgets';
  const params: Record<string, string> = {};
  if (queryAt >= 0) new URLSearchParams(fragment.slice(queryAt + 1)).forEach((value, name) => (params[name] = value));
  return { view, params };
}

export function routeHref(view: View, params: Readonly<Record<string, string | undefined>> = {}): string {
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')).toString();
  return `#${PATHS[view]}${query ? `?${query}` : ''}`;
}
