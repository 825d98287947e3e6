// The tenant's sources (GET …/sources through the client), with a retry. Loaded by the
// view that needs it; the list changes rarely, so it is not kept live.
import { useCallback, useEffect, useState } from 'react';
import type { SourceSummary } from '@freshet/client';
import { useFreshetClient } from '@freshet/client/react';
import { errorReason, type Reason } from './error-reason';

export type SourceList = { status: 'loading' } | { status: 'ready'; sources: SourceSummary[] } | { status: 'error'; reason: Reason };

export function useSourceList(onUnauthorized: (error: unknown) => void): { list: SourceList; retry(): void } {
  const client = useFreshetClient();
  const [attempt, setAttempt] = useState(0);
  const [list, setList] = useState<SourceList>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    setList({ status: 'loading' });
    client.listSources().then(
      (sources) => current && setList({ status: 'ready', sources }),
      (error: unknown) => {
        if (!current) return;
        onUnauthorized(error);
        setList({ status: 'error', reason: errorReason(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [client, attempt, onUnauthorized]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { list, retry };
}
