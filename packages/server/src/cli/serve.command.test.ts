import { afterEach, describe, expect, it } from 'vitest';
import { setCliLanguage } from './i18n/translate.ts';
import { demoLine } from './serve.command.ts';

afterEach(() => setCliLanguage('en'));

describe('the demo load, as `fidelis serve --demo` prints it', () => {
  const events = [
    {
      kind: 'loading',
      customers: 23_570,
      purchases: 69_659,
      firstDay: '2025-06-01',
      lastDay: '2026-12-06',
    },
    { kind: 'customers', count: 23_570, seconds: 4.08 },
    { kind: 'purchases', count: 69_659, seconds: 13.2 },
    { kind: 'interactions', count: 35_353, seconds: 16.9 },
    { kind: 'program', count: 69_659, seconds: 35.8 },
    { kind: 'rewards', count: 6, redeemed: 1_200, seconds: 36.4 },
  ] as const;

  it('in English, as before', () => {
    expect(events.map(demoLine)).toEqual([
      'Loading the demo tenant: 23570 customers, 69659 purchases (CDNOW, 2025-06-01 … 2026-12-06)',
      '  demo: 23570 customers (4.1 s)',
      '  demo: 69659 purchases (13.2 s)',
      '  demo: 35353 interactions (16.9 s)',
      '  demo: loyalty program with points for 69659 purchases (35.8 s)',
      '  demo: 6 rewards, 1200 redeemed (36.4 s)',
    ]);
  });

  it('in Chinese', () => {
    setCliLanguage('zh-CN');
    expect(events.map(demoLine)).toEqual([
      '正在加载演示租户：23570 位客户、69659 笔购买（CDNOW，2025-06-01 … 2026-12-06）',
      '  演示：23570 位客户（4.1 秒）',
      '  演示：69659 笔购买（13.2 秒）',
      '  演示：35353 次互动（16.9 秒）',
      '  演示：会员计划已建立，69659 笔购买计入积分（35.8 秒）',
      '  演示：6 个奖励，已兑换 1200 次（36.4 秒）',
    ]);
  });
});
