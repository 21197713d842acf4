import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatLastDay, formatMonth } from './format.ts';

// One helper per kind, so every page writes a date, a month and a time the same way.
describe('dates, months and times in the UI’s language', () => {
  it.each([
    ['zh-CN', '2026年12月6日', '2025年6月', '2026年12月7日 22:05'],
    ['en', 'Dec 6, 2026', 'Jun 2025', 'Dec 7, 2026, 10:05 PM'],
  ])('%s', (locale, date, month, dateTime) => {
    expect(formatDate('2026-12-06', locale)).toBe(date);
    expect(formatMonth('2025-06', locale)).toBe(month);
    expect(formatDateTime('2026-12-07T14:05:00Z', locale, 'Asia/Shanghai')).toBe(dateTime);
    // An instant's date is its date in the zone given.
    expect(formatDate('2026-12-05T16:30:00Z', locale, 'Asia/Shanghai')).toBe(date);
    // A period ending (exclusive) at midnight of Dec 7 there ends on Dec 6.
    expect(formatLastDay('2026-12-06T16:00:00Z', locale, 'Asia/Shanghai')).toBe(date);
  });
});
