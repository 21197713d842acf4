import { describe, expect, it, vi } from 'vitest';

// Catch what the dashboard registers, without the browser the real i18n instance starts in.
const registered = vi.hoisted(() => new Map<string, { dashboard: Record<string, string> }>());
vi.mock('../../i18n/i18n.ts', () => ({
  i18n: {
    addResourceBundle: (language: string, _namespace: string, bundle: never) => {
      registered.set(language, bundle);
    },
  },
}));
await import('./dashboard.i18n.ts');

describe('the dashboard’s hint for a tenant without purchases', () => {
  it.each(['en', 'zh-CN'])('%s: names an import that reaches this running server', (language) => {
    const hint = registered.get(language)?.dashboard['noPurchasesYet'] ?? '';
    const command = /`(npx fidelis import transactions [^`]+)`/.exec(hint)?.[1] ?? '';
    // `--tenant` writes to a database no server holds: never what a running server's user needs.
    expect(command).toMatch(/ --url \S+/);
    expect(command).toMatch(/ --key \S+/);
    expect(command).not.toContain('--tenant');
  });
});
