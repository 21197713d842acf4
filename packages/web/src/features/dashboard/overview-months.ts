import type { Overview } from '@fidelis/contracts';
import { dateIn } from '../../i18n/zoned-date.ts';

export interface ChartMonth {
  month: Overview['months'][number];
  /** The month `asOf` falls in: its figures run only to today. */
  partial: boolean;
}

const empty = (m: Overview['months'][number]) =>
  m.orders === 0 && m.revenue === 0 && m.newCustomers === 0 && m.returningCustomers === 0;

/**
 * The overview's months as the charts show them: from the first month with any activity (the
 * 24-month window of a young tenant starts with months before its first sale, which say
 * nothing), the month of `asOf` marked as partial.
 */
export function chartMonths(
  overview: Pick<Overview, 'months' | 'asOf' | 'timeZone'>,
): ChartMonth[] {
  const first = overview.months.findIndex((m) => !empty(m));
  if (first < 0) return [];
  const current = dateIn(overview.asOf, overview.timeZone).slice(0, 7);
  return overview.months.slice(first).map((month) => ({ month, partial: month.month === current }));
}
