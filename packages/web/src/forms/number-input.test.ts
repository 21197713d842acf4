import { describe, expect, it } from 'vitest';

// antd's own InputNumber announces its step buttons in English whatever the language: every
// number field goes through NumberInput, which leaves them out.
describe('number fields', () => {
  const sources = import.meta.glob<string>(['../**/*.tsx', '!./number-input.tsx'], {
    query: '?raw',
    import: 'default',
    eager: true,
  });

  it('are all NumberInput, never antd’s InputNumber', () => {
    const direct = Object.entries(sources)
      .filter(([, text]) => /\bInputNumber\b/.test(text))
      .map(([file]) => file);
    expect(Object.keys(sources).length).toBeGreaterThan(30);
    expect(direct).toEqual([]);
  });
});
