import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoLastDay, generateDemoData } from './cdnow-demo-data.ts';

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

  it('happens in the shop’s opening hours, Beijing time, each purchase on its own day there', () => {
    const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
    const hours = (times: string[]) =>
      new Set(times.map((iso) => Number(beijing(iso).slice(11, 13))));
    expect([...hours(data.purchases.map((p) => p.occurredAt))].sort((a, b) => a - b)).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    expect(
      [...hours(data.interactions.map((i) => i.occurredAt))].every((h) => h >= 9 && h <= 18),
    ).toBe(true);
    // The history ends on the last day in Beijing too: nothing falls on the day after.
    expect(
      data.purchases
        .map((p) => beijing(p.occurredAt).slice(0, 10))
        .sort()
        .at(-1),
    ).toBe('2026-11-22');
  });

  it('ends yesterday in Beijing, whatever the hour in UTC', () => {
    // 20:00 UTC on 23 November is 04:00 on the 24th in Beijing: yesterday there is the 23rd.
    expect(demoLastDay(new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-23');
    expect(demoLastDay(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-22');
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
