// The client for a React tree. Written without JSX so the lib needs no JSX build setup.
import { createContext, createElement, useContext, type ReactElement, type ReactNode } from 'react';
import type { FreshetClient } from '../types';

const FreshetContext = createContext<FreshetClient | null>(null);

export function FreshetProvider(props: { client: FreshetClient; children: ReactNode }): ReactElement {
  return createElement(FreshetContext.Provider, { value: props.client }, props.children);
}

export function useFreshetClient(): FreshetClient {
  const client = useContext(FreshetContext);
  if (client === null) throw new Error('useFreshetClient: no <FreshetProvider client={…}> above this component');
  return client;
}
