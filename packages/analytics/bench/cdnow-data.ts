// Reads the CDNOW fixtures (MIT, from the `lifetimes` package; see fixtures/LIFETIMES_LICENSE.txt)
// for the benchmark and the validation tests. File I/O lives here, never in `src`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parseDay,
  summarizeTransactions,
  type PurchaseColumns,
  type TransactionSummary,
} from '../src/models/transaction-summary.ts';
import { unwrap } from '../src/models/errors.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type CdnowFile = 'CDNOW_sample.txt' | 'CDNOW_master.txt';

/** Purchases of a CDNOW file; the customer id is the sample id (sample) or the master id. */
export function readCdnowPurchases(file: CdnowFile): PurchaseColumns {
  const lines = readFileSync(FIXTURES + file, 'utf8').split(/\r?\n/);
  const customerId: number[] = [];
  const day: number[] = [];
  const amount: number[] = [];
  const sample = file === 'CDNOW_sample.txt';
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || !/^\d+$/.test(fields[0] ?? '')) continue; // header, blank
    const [id, date, , dollars] = sample ? fields.slice(1) : fields;
    customerId.push(Number(id));
    day.push(unwrap(parseDay(date ?? '')));
    amount.push(Number(dollars));
  }
  return { customerId, day, amount };
}

export interface PublishedSummaryRow {
  readonly id: number;
  readonly x: number;
  readonly tx: string;
  readonly T: string;
  readonly zbar: string;
}

/** The published 39-week summary `cdnow_customers_summary_with_transactions.csv` (lifetimes). */
export function readCdnowPublishedSummary(): PublishedSummaryRow[] {
  const lines = readFileSync(FIXTURES + 'cdnow_customers_summary_with_transactions.csv', 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const [id, x, tx, T, zbar] = line.split(',');
    return { id: Number(id), x: Number(x), tx: tx ?? '', T: T ?? '', zbar: zbar ?? '' };
  });
}

/** Calibration ends 1997-09-30 (39 weeks), holdout to 1998-06-30 (39 weeks), as in the papers. */
export const CDNOW_CALIBRATION_END = unwrap(parseDay('1997-09-30'));
export const CDNOW_OBSERVATION_END = unwrap(parseDay('1998-06-30'));

/** The literature's 39-week weekly summary of a CDNOW file. */
export function cdnowSummary(file: CdnowFile): TransactionSummary {
  return unwrap(
    summarizeTransactions(readCdnowPurchases(file), {
      calibrationEnd: CDNOW_CALIBRATION_END,
      observationEnd: CDNOW_OBSERVATION_END,
      period: 'week',
    }),
  );
}
