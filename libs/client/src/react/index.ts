// @freshet/client/react — React bindings of @freshet/client (react is a peer dependency).
export { FreshetProvider, useFreshetClient } from './context';
export { useConnection, useOverview, useSource, type UseSourceResult } from './hooks';
