// How values are written into CSV cells and read back, so an export imports back as it was.

/** What separates the items of a list cell: `;` when exported; by hand also `,` `，` `；` `、` `|`. */
const SEPARATORS = ';,，；、|';
const SEPARATOR_OR_ESCAPE = /[\\;,，；、|]/g;

/** A list as one cell: items joined by `;`, a separator or `\` inside an item escaped with `\`. */
export function joinList(items: readonly string[]): string {
  return items.map((item) => item.replace(SEPARATOR_OR_ESCAPE, '\\$&')).join(';');
}

/**
 * The items of a list cell, trimmed, empty ones dropped, each once. `\` before a separator or
 * another `\` makes it part of the item (`a\;b;c` is `a;b` and `c`); elsewhere it is itself.
 */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let item = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '\\' && next !== undefined && (next === '\\' || SEPARATORS.includes(next))) {
      item += next;
      index++;
    } else if (SEPARATORS.includes(char)) {
      items.push(item);
      item = '';
    } else item += char;
  }
  items.push(item);
  return [...new Set(items.map((part) => part.trim()).filter(Boolean))];
}

/**
 * A cell a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
 * carriage return) gets a `'` in front, as OWASP recommends against CSV injection. So that
 * `unquoteCell` can tell the `'` it added, a cell already beginning with `'`s before such a
 * character gets one more.
 */
export function quoteCell(text: string): string {
  return /^'*[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The cell as it was before `quoteCell`: one `'` fewer before a formula's first character. */
export function unquoteCell(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
