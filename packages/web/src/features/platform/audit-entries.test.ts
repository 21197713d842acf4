import { describe, expect, it, vi } from 'vitest';

// The app's i18n module touches the document on import: register the bundle into a plain
// instance instead, with the audit log's own strings.
const i18n = await vi.hoisted(async () =>
  (await import('../../i18n/plain-i18n.ts')).plainI18n('en'),
);
vi.mock('../../i18n/i18n.ts', () => ({ i18n }));
await import('./audit.i18n.ts');
const {
  actionLabel,
  auditActionGroups,
  changeOf,
  entityPath,
  entityTypeLabel,
  fieldLabel,
  periodInstants,
  valueLabel,
} = await import('./audit-entries.ts');
// The words the app's shared bundle has for roles, kinds, channels …
const shared = {
  en: (await import('../../i18n/en.json')).default,
  'zh-CN': (await import('../../i18n/zh-CN.json')).default,
};
for (const [language, bundle] of Object.entries(shared))
  i18n.addResourceBundle(language, 'translation', bundle, true, false);

describe('a value', () => {
  it.each([
    ['en', 'role', 'agent', 'Agent'],
    ['zh-CN', 'role', 'agent', '专员'],
    ['zh-CN', 'kind', 'organization', '组织'],
    ['en', 'preferredChannel', 'wechat', 'WeChat'],
    ['zh-CN', 'locale', 'en', '英文'],
    // One the UI has no word for, and a field of free text: as stored.
    ['en', 'role', 'auditor', 'auditor'],
    ['zh-CN', 'name', 'agent', 'agent'],
  ])('in %s: %s %s reads "%s"', async (language, field, value, label) => {
    await i18n.changeLanguage(language);
    expect(valueLabel(i18n.t, field, value)).toBe(label);
  });

  it('nothing stays nothing', () => {
    expect(valueLabel(i18n.t, 'role', null)).toBeNull();
  });
});

describe('an action', () => {
  it.each([
    ['en', 'customer.update', 'Customer updated'],
    ['zh-CN', 'customer.update', '更新客户'],
    ['en', 'customer.member.add', 'Person added to organisation'],
    ['zh-CN', 'loyalty.referral_code.created', '生成推荐码'],
    ['en', 'api_key.revoked', 'API key revoked'],
    // One this UI does not know yet: as the server wrote it.
    ['zh-CN', 'loyalty.tier.renamed', 'loyalty.tier.renamed'],
    ['en', 'customer', 'customer'],
  ])('in %s: %s reads "%s"', async (language, action, label) => {
    await i18n.changeLanguage(language);
    expect(actionLabel(i18n.t, action)).toBe(label);
  });

  it('of every group has a label in both languages', async () => {
    for (const language of ['en', 'zh-CN']) {
      await i18n.changeLanguage(language);
      for (const { actions } of auditActionGroups) {
        for (const action of actions) {
          const label = actionLabel(i18n.t, action);
          expect(label, `${language} ${action}`).not.toBe(action);
          expect(label).not.toContain('audit.');
        }
      }
    }
  });
});

describe('an entity', () => {
  it('is named in the language, or by its type when unknown', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(entityTypeLabel(i18n.t, 'loyalty_program')).toBe('会员计划');
    expect(entityTypeLabel(i18n.t, 'gift_card')).toBe('gift_card');
  });

  it('names its fields in the language, others by their key', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(fieldLabel(i18n.t, 'occupation')).toBe('职业');
    expect(fieldLabel(i18n.t, 'loyaltyLevel')).toBe('loyaltyLevel');
    expect(fieldLabel(i18n.t, '')).toBe('');
  });

  it.each([
    ['customer', 'c1', '/customers/c1'],
    ['loyalty_program', 'p1', '/loyalty/programs/p1'],
    ['loyalty_member', 'p1:c9', '/customers/c9'],
    ['loyalty_member', 'p1', null],
    ['api_key', 'k1', null],
    ['customer', null, null],
  ])('%s %s links to %s', (entityType, entityId, path) => {
    expect(entityPath({ entityType, entityId })).toBe(path);
  });

  it('links a loyalty record of one customer (a redemption, a referral) to the customer', () => {
    const after = { customerId: 'c7', points: 500, rewardId: 'r1' };
    expect(entityPath({ entityType: 'loyalty_redemption', entityId: 'x1', after })).toBe(
      '/customers/c7',
    );
    expect(entityPath({ entityType: 'loyalty_redemption', entityId: 'x1', after: null })).toBe(
      null,
    );
    expect(entityPath({ entityType: 'user', entityId: 'u1', after: { customerId: 'c7' } })).toBe(
      null,
    );
  });
});

describe('the change of an entry', () => {
  it('of an update: only the fields that changed, nested values as compact JSON', () => {
    expect(
      changeOf({
        before: { occupation: '教师', tags: ['VIP'], email: 'a@x.cn', kind: 'person' },
        after: { occupation: '校长', tags: ['VIP', '北京'], email: 'a@x.cn', phone: '138' },
      }),
    ).toEqual({
      kind: 'fields',
      hasBefore: true,
      hasAfter: true,
      rows: [
        { field: 'occupation', before: '教师', after: '校长' },
        { field: 'tags', before: '["VIP"]', after: '["VIP","北京"]' },
        { field: 'kind', before: 'person', after: null },
        { field: 'phone', before: null, after: '138' },
      ],
    });
  });

  it('of a creation: every field given a value, after only', () => {
    expect(
      changeOf({
        before: null,
        after: { name: '陈静', notes: null, tags: [], attributes: {}, vip: false, points: 0 },
      }),
    ).toEqual({
      kind: 'fields',
      hasBefore: false,
      hasAfter: true,
      rows: [
        { field: 'name', before: null, after: '陈静' },
        { field: 'vip', before: null, after: 'false' },
        { field: 'points', before: null, after: '0' },
      ],
    });
  });

  it('of a removal: every field it had, before only', () => {
    expect(changeOf({ before: { key: 'level', type: 'string' }, after: null })).toEqual({
      kind: 'fields',
      hasBefore: true,
      hasAfter: false,
      rows: [
        { field: 'key', before: 'level', after: null },
        { field: 'type', before: 'string', after: null },
      ],
    });
  });

  it('with nothing recorded: no rows', () => {
    expect(changeOf({ before: null, after: null })).toEqual({
      kind: 'fields',
      hasBefore: false,
      hasAfter: false,
      rows: [],
    });
  });

  it('that is not a record of fields: one row of the whole value', () => {
    expect(changeOf({ before: null, after: ['a', 'b'] })).toMatchObject({
      rows: [{ field: '', before: null, after: '["a","b"]' }],
    });
  });

  it('of an erased customer: which fields were taken out', () => {
    expect(
      changeOf({
        before: { erased: true, fields: ['name', 'email'] },
        after: { erased: true, fields: ['email', 'phone'] },
      }),
    ).toEqual({ kind: 'erased', fields: ['name', 'email', 'phone'] });
  });
});

describe('a period of days', () => {
  it('runs from the first day’s start to the start of the day after the last, in the zone', () => {
    expect(periodInstants('2026-12-01', '2026-12-07', 'Asia/Shanghai')).toEqual({
      from: '2026-11-30T16:00:00.000Z',
      to: '2026-12-07T16:00:00.000Z',
    });
  });

  it('may be open at either end', () => {
    expect(periodInstants('', '2026-12-07', 'UTC')).toEqual({ to: '2026-12-08T00:00:00.000Z' });
    expect(periodInstants('2026-12-01', 'soon', 'UTC')).toEqual({
      from: '2026-12-01T00:00:00.000Z',
    });
  });
});

describe('the actions the server writes', () => {
  it('are all in the filter and worded in both languages', async () => {
    // Every `action: '…'` (or `action: a ? '…' : '…'`) in the server's source, tests left out.
    const sources = import.meta.glob<string>(['../../../../server/src/**/*.ts', '!**/*.test.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    const written = new Set<string>();
    for (const text of Object.values(sources))
      for (const line of text.split('\n'))
        if (/\baction:/.test(line))
          for (const [, action] of line.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) written.add(action!);
    expect(written.size).toBeGreaterThan(30);
    const listed = auditActionGroups.flatMap((group) => [...group.actions] as string[]);
    expect([...written].filter((action) => !listed.includes(action))).toEqual([]);
    for (const language of ['en', 'zh-CN']) {
      await i18n.changeLanguage(language);
      for (const action of written) expect(actionLabel(i18n.t, action)).not.toBe(action);
    }
  });
});
