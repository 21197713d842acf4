import { describe, expect, it } from 'vitest';
import { selectedKey } from './nav-selection.ts';

const keys = ['/', '/customers', '/import', '/settings/users', '/settings/attributes'];

describe('the navigation item of a page', () => {
  it.each<[string, string | null]>([
    ['/', '/'],
    ['/customers', '/customers'],
    ['/customers/01a2', '/customers'],
    ['/settings/attributes', '/settings/attributes'],
    // An address no item leads to highlights nothing (it lit up 概览 on the 404 page).
    ['/nope', null],
    ['/customersX', null],
  ])('%s → %s', (path, key) => {
    expect(selectedKey(path, keys)).toBe(key);
  });
});
