import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { SEARCH_DEBOUNCE_MS } from './debounced.ts';

/**
 * A list page's filters kept in the address (`?q=…&tier=…`), so back/forward and shared links
 * keep them. `setParam` writes one (an empty value removes it) without a new history entry;
 * `setParams` several at once (a user chosen is also the kind of actor).
 * `search` is the search box's text: written to `q` once typing pauses; `cancelSearch` drops
 * a write still waiting, before leaving the page (it would otherwise land while the next page
 * loads and bring the user back to the list).
 */
export function useAddressFilters() {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  // From the address as it is now, not as this render saw it: a search written after its pause
  // must not undo a filter chosen meanwhile.
  const setParamsTo = useCallback(
    (values: Record<string, string>) => {
      const next = new URLSearchParams(window.location.search);
      const changed = Object.entries(values).filter(
        ([key, value]) => (next.get(key) ?? '') !== value,
      );
      if (changed.length === 0) return;
      for (const [key, value] of changed) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      setParams(next, { replace: true });
    },
    [setParams],
  );
  const setParam = useCallback(
    (key: string, value: string) => setParamsTo({ [key]: value }),
    [setParamsTo],
  );
  const timer = useRef<number | undefined>(undefined);
  // react-router makes a new setter whenever the address changes; only typing schedules a write.
  const writeSearch = useRef(setParam);
  useEffect(() => {
    writeSearch.current = setParam;
  }, [setParam]);
  useEffect(() => {
    // Nothing to write when the box says what the address says (the page just opened with it).
    const written = new URLSearchParams(window.location.search).get('q') ?? '';
    if (search.trim() === written.trim()) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      writeSearch.current('q', search.trim() ? search : '');
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [search]);
  // The address changed from outside (the navigation's link to the bare list, back/forward):
  // the box shows what the list is filtered by. Not while a write of the box's text is waiting.
  const addressSearch = params.get('q') ?? '';
  useEffect(() => {
    if (timer.current !== undefined) return;
    setSearch((typed) => (typed.trim() === addressSearch.trim() ? typed : addressSearch));
  }, [addressSearch]);
  const cancelSearch = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
  }, []);
  return { params, setParam, setParams: setParamsTo, search, setSearch, cancelSearch };
}
