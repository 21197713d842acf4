import { describe, expect, it } from 'vitest';
import { chartMonths } from './overview-months.ts';

const month = (m: string, orders: number) => ({
  month: m,
  revenue: orders * 1000,
  orders,
  averageOrderValue: orders ? 1000 : null,
  newCustomers: orders,
  returningCustomers: 0,
});

describe('the dashboard’s months', () => {
  const months = [
    month('2025-01', 0),
    month('2025-02', 0),
    month('2025-03', 4),
    month('2025-04', 0),
    month('2025-05', 2),
  ];

  it('start at the first month with data; a quiet month after it stays', () => {
    const shown = chartMonths({ months, asOf: '2025-05-20T02:00:00Z', timeZone: 'Asia/Shanghai' });
    expect(shown.map((m) => m.month.month)).toEqual(['2025-03', '2025-04', '2025-05']);
  });

  it('mark the month of asOf, in the tenant’s zone, as month to date', () => {
    // 31 May 17:00 UTC is already 1 June in Shanghai: May is complete there.
    const june = chartMonths({ months, asOf: '2025-05-31T17:00:00Z', timeZone: 'Asia/Shanghai' });
    expect(june.map((m) => m.partial)).toEqual([false, false, false]);
    const may = chartMonths({ months, asOf: '2025-05-31T15:00:00Z', timeZone: 'Asia/Shanghai' });
    expect(may.map((m) => m.partial)).toEqual([false, false, true]);
  });

  it('are none for a tenant without any activity', () => {
    expect(
      chartMonths({ months: [month('2025-01', 0)], asOf: '2025-01-02T00:00:00Z', timeZone: 'UTC' }),
    ).toEqual([]);
  });
});
