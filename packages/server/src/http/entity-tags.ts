// Entity tags of versioned resources (RFC 9110 §8.8.3, §13.1.1): a resource at version 7 has
// the tag `"7"`, and `If-Match: "7"` makes a write conditional on still being at version 7.

/** The entity tag of a resource's version: strong, since the version changes with every change. */
export function entityTagOf(version: number): string {
  return `"${version}"`;
}

/** `any` for `*`; else the versions the header names (none when its tags are not versions). */
export type IfMatch = 'any' | number[];

/**
 * Reads an If-Match header. `*` matches any version; `"7"` names version 7, and so do
 * `W/"7"` (a proxy that compresses replies may weaken the tag it passes on) and a bare `7`
 * (the `version` field copied as it is); `"6", "7"` names either. A well-formed tag that is
 * not a version, such as `"abc"`, names none and so never matches.
 */
export function parseIfMatch(
  header: string,
): { ok: true; value: IfMatch } | { ok: false; error: string } {
  if (header.trim() === '*') return { ok: true, value: 'any' };
  // One list member and the comma (or the end) after it: a quoted tag, optionally weak, or a
  // bare version. The opaque part may hold any visible character but `"` (RFC 9110 etagc).
  const member = /[ \t]*(?:(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)"|(\d+))[ \t]*(,|$)/y;
  const versions: number[] = [];
  for (;;) {
    const match = member.exec(header);
    if (!match) {
      return { ok: false, error: 'expected *, or entity tags such as "7" separated by commas' };
    }
    const opaque = match[1] ?? match[2]!;
    if (/^\d{1,15}$/.test(opaque)) versions.push(Number(opaque));
    if (match[3] === '') return { ok: true, value: versions };
  }
}
