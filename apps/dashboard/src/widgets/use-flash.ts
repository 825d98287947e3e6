// The rows of a table that flash now, from the client's `changed` batches (flash.ts decides).
// A batch already there when the table mounts is old news and does not flash.
import { useEffect, useRef, useState } from 'react';
import type { SourceState } from '@freshet/client';
import { addFlashes, nextFlashEnd, NO_FLASHES, pruneFlashes, type Flashes } from './flash';

export function useFlash(changed: SourceState['changed']): Flashes {
  const [flashes, setFlashes] = useState<Flashes>(NO_FLASHES);
  const seen = useRef(changed);
  useEffect(() => {
    if (!changed || changed === seen.current) return;
    seen.current = changed;
    const now = Date.now();
    setFlashes((current) => addFlashes(pruneFlashes(current, now), changed.keys, now));
  }, [changed]);
  useEffect(() => {
    const end = nextFlashEnd(flashes);
    if (end === undefined) return;
    const timer = setTimeout(() => setFlashes((current) => pruneFlashes(current, Date.now())), Math.max(0, end - Date.now()) + 5);
    return () => clearTimeout(timer);
  }, [flashes]);
  return flashes;
}
