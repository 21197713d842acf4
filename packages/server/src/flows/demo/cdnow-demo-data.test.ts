import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from './cdnow-demo-data.ts';

const cdnow = readFileSync(new URL('../../../demo-data/CDNOW_master.txt', import.meta.url), 'utf8');

describe('CDNOW demo data', () => {
  const data = generateDemoData(cdnow, { lastDay: '2026-11-22' });

  it('keeps every CDNOW purchase and customer', () => {
    expect(data.customers).toHaveLength(23_570);
    expect(data.purchases).toHaveLength(69_659);
  });

  it('shifts the history to end on the given day, 18 months long', () => {
    const days = data.purchases.map((p) => p.occurredAt.slice(0, 10)).sort();
    expect(days.at(-1)).toBe('2026-11-22');
    expect(days[0]).toBe(data.firstDay);
    // CDNOW runs 1997-01-01 … 1998-06-30: 545 days.
    expect((Date.parse('2026-11-22') - Date.parse(data.firstDay)) / 86_400_000).toBe(545);
  });

  it('turns dollars into integer cents without losing any', () => {
    expect(data.purchases.every((p) => Number.isInteger(p.amount) && p.amount >= 0)).toBe(true);
    const total = data.purchases.reduce((sum, p) => sum + p.amount, 0);
    // The CDNOW master file sums to $2,500,315.63.
    expect(total).toBe(250_031_563);
  });

  it('is the same on every run (seeded)', () => {
    const again = generateDemoData(cdnow, { lastDay: '2026-11-22' });
    expect(again.customers.slice(0, 50)).toEqual(data.customers.slice(0, 50));
    expect(again.interactions.length).toBe(data.interactions.length);
  });

  it('mixes Chinese and English names and gives every customer a birthday', () => {
    const chinese = data.customers.filter((c) => /[\u4e00-\u9fff]/.test(c.name)).length;
    expect(chinese / data.customers.length).toBeGreaterThan(0.5);
    expect(chinese / data.customers.length).toBeLessThan(0.8);
    expect(data.customers.every((c) => /^\d{4}-\d{2}-\d{2}$/.test(c.birthday))).toBe(true);
  });
});
