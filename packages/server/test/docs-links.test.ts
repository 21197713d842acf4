import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pages = [
  'README.md',
  'ARCHITECTURE.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => anchor(match[1] ?? '')));
}

/** Every relative link and image of a page: [text](target) outside code blocks. */
function relativeLinks(page: string): string[] {
  const text = readFileSync(path.join(root, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('links in README.md, ARCHITECTURE.md and docs/*.md', () => {
  it.each(pages)('%s: every link to a file in the repository resolves', (page) => {
    const broken: string[] = [];
    for (const target of relativeLinks(page)) {
      const [file = '', fragment] = target.split('#');
      const resolved = file
        ? path.resolve(root, path.dirname(page), decodeURIComponent(file))
        : path.join(root, page);
      if (!existsSync(resolved)) broken.push(`${target} (no ${path.relative(root, resolved)})`);
      else if (fragment && resolved.endsWith('.md') && !anchorsOf(resolved).has(fragment))
        broken.push(`${target} (no heading #${fragment})`);
    }
    expect(broken).toEqual([]);
  });

  it('finds a broken link when there is one', () => {
    expect(relativeLinks('README.md')).toContain('docs/screenshots/dashboard.png');
    expect(anchor('Customer search: `q` (中文, pinyin)')).toBe('customer-search-q-中文-pinyin');
  });
});
