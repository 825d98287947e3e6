// The current time, re-read every `intervalMs`: for ages ("3 min ago") and countdowns.
// Only the small components that print a time use it, so a tick never re-renders a table.
import { useEffect, useState } from 'react';

export function useNow(intervalMs = 1_000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, enabled]);
  return now;
}
