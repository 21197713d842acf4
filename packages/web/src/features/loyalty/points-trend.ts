/** A month of the program's points movements, as `GET …/stats` gives it. */
export interface MonthMovements {
  month: string;
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
}

/** The chart's series, in the legend's order: what each bar of a month counts. */
export const trendSeries = ['issued', 'reversed', 'redeemed', 'expired'] as const;

/**
 * The months' totals: `issued` counts every point credited (before refunds), `reversed` the
 * points refunds took back, so `netIssued` (issued − reversed) is what the liability's
 * "Issued" counts, over these months.
 *
 * @example
 * trendTotals([{ month: '2026-11', issued: 100, reversed: 12, redeemed: 50, expired: 0 }]);
 * // { issued: 100, reversed: 12, netIssued: 88, redeemed: 50, expired: 0 }
 */
export function trendTotals(months: readonly MonthMovements[]) {
  const sum = (key: (typeof trendSeries)[number]) =>
    months.reduce((total, month) => total + month[key], 0);
  const issued = sum('issued');
  const reversed = sum('reversed');
  return {
    issued,
    reversed,
    netIssued: issued - reversed,
    redeemed: sum('redeemed'),
    expired: sum('expired'),
  };
}
