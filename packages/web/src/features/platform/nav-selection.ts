/** The navigation item of a page; none for an address no item leads to (a 404). */
export function selectedKey(pathname: string, keys: string[]): string | null {
  let best: string | null = pathname === '/' ? '/' : null;
  for (const key of keys) {
    if (
      key !== '/' &&
      (pathname === key || pathname.startsWith(`${key}/`)) &&
      key.length > (best?.length ?? 0)
    )
      best = key;
  }
  return best;
}
