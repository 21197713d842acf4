import { useEffect, useState } from 'react';

/** The search boxes' pause: what is typed is looked up once typing stops this long. */
export const SEARCH_DEBOUNCE_MS = 300;

/** `value` once it has stayed the same for `ms`: a search box's text, looked up as typing pauses. */
export function useDebounced<T>(value: T, ms = SEARCH_DEBOUNCE_MS): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
