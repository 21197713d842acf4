import type { E2eServer } from './e2e-server.ts';

interface Created {
  id: string;
  name: string;
}

const people: { name: string; email?: string; phone?: string; tags?: string[] }[] = [
  { name: '张伟', phone: '13800138000', email: 'zhang.wei@example.cn', tags: ['VIP', '北京'] },
  { name: '李娜', phone: '13900139001', tags: ['上海'] },
  { name: '王芳', email: 'wang.fang@example.cn', tags: ['VIP'] },
  { name: '刘洋', phone: '13700137002' },
  { name: '陈静', tags: ['广州'] },
  { name: 'Alice Smith', email: 'alice@example.com', tags: ['VIP', 'overseas'] },
  { name: '杨磊' },
  { name: '赵敏', tags: ['北京'] },
  { name: '黄晓明', phone: '13600136003' },
  { name: '周杰', tags: ['上海'] },
  { name: '吴婷' },
  { name: '徐强', tags: ['VIP'] },
  { name: '孙丽' },
  { name: '马超', phone: '13500135004' },
  { name: '朱琳' },
  { name: '胡军', tags: ['广州'] },
  { name: '郭静' },
  { name: '何平' },
  { name: '高峰', tags: ['北京'] },
  { name: '林慧' },
  { name: '罗斌' },
  { name: '梁雪' },
  { name: '宋涛' },
  { name: '郑爽' },
  { name: '谢娟' },
  { name: '韩梅' },
  { name: 'Bob Chen', email: 'bob.chen@example.com' },
  { name: '唐亮' },
];

export interface Seeded {
  customers: Created[];
  zhangWei: Created;
  organization: Created;
  purchases: number;
}

function monthsAgo(now: Date, months: number, day: number): string {
  const date = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, Math.min(day, 28), 3, 30),
  );
  return date.toISOString();
}

/** A small shop: 28 people, one organisation, a year of purchases, a refund and a call. */
export async function seedShop(server: E2eServer): Promise<Seeded> {
  const customers: Created[] = [];
  for (const [index, person] of people.entries()) {
    const created = await server.call<Created>('POST', '/v1/customers', {
      kind: 'person',
      externalId: `C${String(index + 1).padStart(3, '0')}`,
      ...person,
      ...(index === 0
        ? {
            birthday: '1985-04-12',
            gender: 'male',
            occupation: '工程师',
            consent: { email: { status: 'granted', source: 'store' } },
          }
        : {}),
    });
    customers.push({ id: created.id, name: person.name });
  }
  const organization = await server.call<Created>('POST', '/v1/customers', {
    kind: 'organization',
    name: '星辰科技有限公司',
    externalId: 'ORG001',
    tags: ['企业客户'],
  });
  const zhangWei = customers[0]!;
  await server.call('POST', `/v1/customers/${organization.id}/members`, {
    personId: zhangWei.id,
    role: '采购决策人',
    title: '采购经理',
  });

  const now = new Date();
  const events: unknown[] = [];
  // Deterministic: customer i buys every (i % 4 + 1) months over the last year.
  for (const [i, customer] of customers.slice(0, 20).entries()) {
    const every = (i % 4) + 1;
    for (let m = 11 - (i % 3); m >= 0; m -= every) {
      const amount = 8_800 + ((i * 7 + m * 13) % 40) * 1_250;
      events.push({
        id: `order-${i}-${m}`,
        type: 'purchase',
        customerId: customer.id,
        occurredAt: monthsAgo(now, m, 3 + i),
        currency: 'CNY',
        amount,
        channel: m % 2 ? 'online' : 'store',
        lines: [
          { sku: `SKU-${(i + m) % 9}`, category: '茶叶', quantity: 1, amount: amount - 2_000 },
          { sku: 'GIFT-BOX', category: '包装', quantity: 1, amount: 2_000 },
        ],
      });
    }
  }
  events.push({
    id: 'call-zhang-1',
    type: 'interaction',
    customerId: zhangWei.id,
    occurredAt: monthsAgo(now, 0, 1),
    channel: 'phone',
    direction: 'in',
    subject: '咨询会员积分',
    staffMember: '小李',
    outcome: '已解答',
  });
  const purchases = events.length - 1;
  await server.call('POST', '/v1/events:batch', { events });
  await server.call('POST', '/v1/events', {
    id: 'refund-zhang-1',
    type: 'refund',
    refundOf: 'order-0-11',
    occurredAt: monthsAgo(now, 10, 20),
    amount: 2_000,
  });
  return { customers, zhangWei, organization, purchases };
}
