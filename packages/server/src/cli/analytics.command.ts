import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import {
  fitBgNbd,
  fitGammaGamma,
  fitMbgNbd,
  fitParetoNbd,
  parseDay,
  scoreCustomers,
  scoreRfm,
  summariseRfmGrid,
  summarizeTransactions,
  type CustomerPurchaseSummary,
  type SummaryPeriod,
  type TransactionSummary,
} from '@fidelis/analytics';
import { wordedByCode } from './i18n/problem-text.ts';
import { cliLanguage, t, tIfAny } from './i18n/translate.ts';
import { assertUtf8File, inputFileSize, writeOutputFile } from './operator-input.ts';
import { CliInputError, displayWidth, fail, padTo, printResult, progressBar } from './output.ts';

export { CliInputError };

export interface TransactionFileOptions {
  transactions: string;
  customerColumn: string;
  dateColumn: string;
  amountColumn: string;
  /** A single character, `tab`, or `whitespace` (runs of spaces and tabs, as in CDNOW). */
  delimiter: string;
  /** `auto` (YYYY-MM-DD or YYYYMMDD), `YYYY-MM-DD` or `YYYYMMDD`. */
  dateFormat: string;
  /** False for files without a header line: columns are then 1-based numbers. */
  header: boolean;
  progress?: boolean;
}

export interface TransactionFile {
  customerId: string[];
  day: Int32Array;
  amount: Float64Array;
  zeroAmounts: number;
}

const DATE_FORMATS = ['auto', 'YYYY-MM-DD', 'YYYYMMDD'];

function parseDate(text: string, format: string, line: number): number {
  const value = text.trim();
  const shapeOk =
    format === 'auto' ||
    (format === 'YYYYMMDD' && /^\d{8}$/.test(value)) ||
    (format === 'YYYY-MM-DD' && /^\d{4}-\d{2}-\d{2}/.test(value));
  // ISO instants (2026-01-05T10:00:00Z) count by their calendar day.
  const day = shapeOk
    ? parseDay(/^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value)
    : null;
  if (!day?.ok) {
    const expected = format === 'auto' ? t('analytics.eitherDate') : format;
    throw new CliInputError(t('analytics.badDate', { line, value, expected }));
  }
  return day.value;
}

function columnIndex(header: string[] | null, column: string, option: string): number {
  if (/^\d+$/.test(column)) {
    const index = Number(column) - 1;
    if (index < 0) throw new CliInputError(t('analytics.columnFromOne', { option }));
    return index;
  }
  if (header === null) {
    throw new CliInputError(t('analytics.columnNumberNeeded', { option, column }));
  }
  const index = header.findIndex((name) => name.trim().toLowerCase() === column.toLowerCase());
  if (index < 0) {
    throw new CliInputError(
      t('analytics.columnNotInHeader', { column, header: header.join(', '), option }),
    );
  }
  return index;
}

async function* records(
  options: TransactionFileOptions,
  onBytes: (bytes: number) => void,
): AsyncGenerator<{ fields: string[]; line: number }> {
  const stream = createReadStream(options.transactions);
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += chunk.length;
    onBytes(bytes);
  });
  if (options.delimiter === 'whitespace') {
    let line = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      const trimmed = text.trim();
      if (trimmed === '') continue;
      yield { fields: trimmed.split(/\s+/), line };
    }
    return;
  }
  const delimiter = options.delimiter === 'tab' ? '\t' : options.delimiter;
  if (delimiter.length !== 1) {
    throw new CliInputError(t('analytics.badDelimiter'));
  }
  const parser = stream.pipe(
    parse({
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }),
  );
  try {
    for await (const record of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      yield { fields: record.record, line: record.info.lines };
    }
  } catch (error) {
    if (error instanceof CliInputError) throw error;
    throw new CliInputError(
      t('input.cannotRead', { file: options.transactions, why: csvProblem(error) }),
    );
  }
}

/** Why csv-parse cannot read a line: its own English, or by its code (any other, in general). */
function csvProblem(error: unknown): string {
  const { code, lines, message } = error as { code?: string; lines?: number; message: string };
  if (cliLanguage() === 'en') return message;
  const values = { line: lines ?? '?' };
  return tIfAny(`input.csv.${code}`, values) ?? t('input.csv.other', values);
}

/**
 * What @fidelis/analytics refused about `subject` (a model, an option and its `value`): by its
 * code, in English the library's words after the subject (or `english`, where the CLI had its own).
 */
function analyticsFailure(
  subject: string,
  error: { code: string; message: string },
  { english = `${subject}: ${error.message}`, value = '' } = {},
): CliInputError {
  return new CliInputError(
    wordedByCode('analytics.failures', error.code, english, { subject, value }),
  );
}

/** Reads a purchases file into columns; throws CliInputError naming the line of a bad row. */
export async function readTransactionFile(
  options: TransactionFileOptions,
): Promise<TransactionFile> {
  if (!DATE_FORMATS.includes(options.dateFormat)) {
    throw new CliInputError(t('analytics.badDateFormat', { formats: DATE_FORMATS.join(', ') }));
  }
  const size = await inputFileSize(options.transactions);
  await assertUtf8File(options.transactions);
  const bar = progressBar(t('analytics.reading'), options.progress !== false && size > 5_000_000);
  bar.start(size);
  const customerId: string[] = [];
  const day: number[] = [];
  const amount: number[] = [];
  let columns: [number, number, number] | null = null;
  let zeroAmounts = 0;
  try {
    for await (const { fields, line } of records(options, (bytes) => bar.update(bytes))) {
      if (columns === null) {
        if (options.header) {
          const header = fields;
          columns = [
            columnIndex(header, options.customerColumn, '--customer-column'),
            columnIndex(header, options.dateColumn, '--date-column'),
            columnIndex(header, options.amountColumn, '--amount-column'),
          ];
          continue;
        }
        columns = [
          columnIndex(null, options.customerColumn, '--customer-column'),
          columnIndex(null, options.dateColumn, '--date-column'),
          columnIndex(null, options.amountColumn, '--amount-column'),
        ];
      }
      const [c, d, a] = columns;
      const id = fields[c];
      const date = fields[d];
      const value = fields[a];
      if (id === undefined || date === undefined || value === undefined) {
        throw new CliInputError(t('analytics.tooFewFields', { line, n: Math.max(c, d, a) + 1 }));
      }
      if (id === '') throw new CliInputError(t('analytics.emptyCustomer', { line }));
      const money = Number(value);
      if (value === '' || !Number.isFinite(money)) {
        throw new CliInputError(t('analytics.amountNotNumber', { line, value }));
      }
      if (money < 0) throw new CliInputError(t('analytics.negativeAmount', { line, value }));
      if (money === 0) zeroAmounts++;
      customerId.push(id);
      day.push(parseDate(date, options.dateFormat, line));
      amount.push(money);
    }
  } finally {
    bar.stop();
  }
  if (customerId.length === 0) {
    throw new CliInputError(t('analytics.noPurchases', { file: options.transactions }));
  }
  return {
    customerId,
    day: Int32Array.from(day),
    amount: Float64Array.from(amount),
    zeroAmounts,
  };
}

export const CLV_MODELS = ['bgnbd', 'paretonbd', 'mbgnbd', 'gammagamma'] as const;
export type ClvModelName = (typeof CLV_MODELS)[number];

export interface ClvOptions extends TransactionFileOptions {
  calibrationEnd: string;
  period: string;
  models: string;
  predict?: number | undefined;
  out?: string | undefined;
  discountRate: number;
  margin: number;
}

interface ModelReport {
  params: Record<string, number>;
  logLikelihood: number;
  standardErrors: Record<string, number> | null;
  converged: boolean;
  customers?: number;
}

export interface ClvReport {
  customers: number;
  bgnbd?: ModelReport;
  paretonbd?: ModelReport;
  mbgnbd?: ModelReport;
  gammagamma?: ModelReport;
  predictions?: { file: string; weeks: number; customers: number; totalClv: number };
}

function finite(name: string, values: Record<string, number>): Record<string, number> {
  for (const [key, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) {
      throw new CliInputError(t('analytics.notFiniteParam', { model: name, param: key }));
    }
  }
  return { ...values };
}

function report(
  name: string,
  fit: {
    params: object;
    logLikelihood: number;
    standardErrors: object | null;
    converged: boolean;
    customers: number;
  },
  withCustomers: boolean,
): ModelReport {
  if (!Number.isFinite(fit.logLikelihood)) {
    throw new CliInputError(t('analytics.notFiniteLikelihood', { model: name }));
  }
  return {
    params: finite(name, fit.params as Record<string, number>),
    logLikelihood: fit.logLikelihood,
    ...(withCustomers ? { customers: fit.customers } : {}),
    standardErrors: fit.standardErrors
      ? { ...(fit.standardErrors as Record<string, number>) }
      : null,
    converged: fit.converged,
  };
}

function unwrapFit<T>(
  name: string,
  result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw analyticsFailure(name, result.error);
  return result.value;
}

function parseModels(text: string): ClvModelName[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of names) {
    if (!(CLV_MODELS as readonly string[]).includes(name)) {
      throw new CliInputError(
        t('analytics.unknownModel', { model: name, models: CLV_MODELS.join(', ') }),
      );
    }
  }
  if (names.length === 0) throw new CliInputError(t('analytics.noModel'));
  return names as ClvModelName[];
}

/** Fits the chosen models on a purchases file; with `predict` also writes per-customer CLV. */
export async function runClv(options: ClvOptions): Promise<ClvReport> {
  const models = parseModels(options.models);
  if (options.period !== 'week' && options.period !== 'day') {
    throw new CliInputError(t('analytics.badPeriod'));
  }
  const period: SummaryPeriod = options.period;
  const calibration = parseDay(options.calibrationEnd);
  if (!calibration.ok) {
    throw analyticsFailure('--calibration-end', calibration.error, {
      value: options.calibrationEnd,
    });
  }
  if (options.predict !== undefined && !(options.predict > 0 && Number.isFinite(options.predict))) {
    throw new CliInputError(t('analytics.badPredict'));
  }
  if (options.predict !== undefined && !options.out) {
    throw new CliInputError(t('analytics.predictNeedsOut'));
  }
  if (!(options.margin >= 0 && options.margin <= 1)) {
    throw new CliInputError(t('analytics.badMargin'));
  }
  if (!(options.discountRate >= 0 && options.discountRate < 10)) {
    throw new CliInputError(t('analytics.badDiscountRate'));
  }
  const file = await readTransactionFile(options);
  const summaryResult = summarizeTransactions(
    { customerId: file.customerId, day: file.day, amount: file.amount },
    { calibrationEnd: calibration.value, period },
  );
  if (!summaryResult.ok) {
    const { code, message } = summaryResult.error;
    if (code === 'CALIBRATION_BEFORE_FIRST_PURCHASE') {
      throw new CliInputError(
        t('analytics.calibrationBeforeFirst', { date: options.calibrationEnd }),
      );
    }
    throw analyticsFailure(options.transactions, summaryResult.error, { english: message });
  }
  const summary = summaryResult.value;
  if (summary.customerIds.length < 2) {
    throw new CliInputError(
      t('analytics.tooFewCustomers', {
        n: summary.customerIds.length,
        date: options.calibrationEnd,
      }),
    );
  }
  let repeatBuyers = 0;
  for (const x of summary.x) if (x > 0) repeatBuyers++;
  if (repeatBuyers === 0) {
    throw new CliInputError(t('analytics.noRepeatBuyers'));
  }
  const result: ClvReport = { customers: summary.customerIds.length };
  const bg = models.includes('bgnbd') || options.predict !== undefined ? fitBgNbd(summary) : null;
  if (bg && models.includes('bgnbd'))
    result.bgnbd = report('BG/NBD', unwrapFit('BG/NBD', bg), false);
  if (models.includes('paretonbd')) {
    result.paretonbd = report('Pareto/NBD', unwrapFit('Pareto/NBD', fitParetoNbd(summary)), false);
  }
  if (models.includes('mbgnbd')) {
    result.mbgnbd = report('MBG/NBD', unwrapFit('MBG/NBD', fitMbgNbd(summary)), false);
  }
  const gg =
    models.includes('gammagamma') || options.predict !== undefined ? fitGammaGamma(summary) : null;
  if (gg && models.includes('gammagamma')) {
    result.gammagamma = report('Gamma-Gamma', unwrapFit('Gamma-Gamma', gg), true);
  }
  if (options.predict !== undefined && options.out && bg && gg) {
    result.predictions = writePredictions(
      summary,
      unwrapFit('BG/NBD', bg),
      unwrapFit('Gamma-Gamma', gg),
      options,
      options.predict,
      options.out,
    );
  }
  return result;
}

function writePredictions(
  summary: TransactionSummary,
  bg: Parameters<typeof scoreCustomers>[1]['countModel'],
  gg: Parameters<typeof scoreCustomers>[1]['spendModel'],
  options: ClvOptions,
  weeks: number,
  out: string,
): NonNullable<ClvReport['predictions']> {
  const perYear = summary.period === 'week' ? 52 : 365;
  const horizon = summary.period === 'week' ? weeks : weeks * 7;
  const scored = scoreCustomers(summary, {
    countModel: bg,
    spendModel: gg,
    horizon,
    margin: options.margin,
    discountRate: Math.pow(1 + options.discountRate, 1 / perYear) - 1,
    steps: Math.max(1, Math.min(120, Math.ceil(weeks))),
  });
  if (!scored.ok) {
    const english = t('analytics.scoring', { message: scored.error.message });
    throw analyticsFailure('CLV', scored.error, { english });
  }
  const s = scored.value;
  const rows: (string | number)[][] = [
    [
      'customer_id',
      'frequency',
      'recency',
      'T',
      'monetary_value',
      'p_alive',
      'expected_purchases',
      'expected_spend',
      'clv',
    ],
  ];
  let total = 0;
  for (let i = 0; i < summary.customerIds.length; i++) {
    const values = [
      s.probabilityAlive[i] ?? NaN,
      s.expectedPurchases[i] ?? NaN,
      s.expectedSpend[i] ?? NaN,
      s.clv[i] ?? NaN,
    ];
    if (values.some((value) => !Number.isFinite(value))) {
      throw new CliInputError(t('analytics.noFiniteScore', { id: String(summary.customerIds[i]) }));
    }
    total += values[3] ?? 0;
    rows.push([
      String(summary.customerIds[i]),
      summary.x[i] ?? 0,
      round(summary.tx[i] ?? 0, 4),
      round(summary.T[i] ?? 0, 4),
      round(summary.monetary[i] ?? 0, 4),
      round(values[0] ?? 0, 6),
      round(values[1] ?? 0, 6),
      round(values[2] ?? 0, 4),
      round(values[3] ?? 0, 4),
    ]);
  }
  writeOutputFile(out, stringify(rows));
  return { file: out, weeks, customers: summary.customerIds.length, totalClv: round(total, 2) };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export interface RfmCliOptions extends TransactionFileOptions {
  asOf: string;
  out?: string | undefined;
}

export interface RfmReport {
  asOf: string;
  customers: number;
  segments: { segment: string; customers: number; revenue: number }[];
  file?: string;
}

/** RFM scores of a purchases file as of a day; with `out` also writes per-customer scores. */
export async function runRfm(options: RfmCliOptions): Promise<RfmReport> {
  const asOf = parseDay(options.asOf);
  if (!asOf.ok) throw analyticsFailure('--as-of', asOf.error, { value: options.asOf });
  const file = await readTransactionFile(options);
  const byCustomer = new Map<string, { last: number; count: number; spend: number }>();
  for (let i = 0; i < file.customerId.length; i++) {
    const d = file.day[i] ?? 0;
    if (d > asOf.value) continue;
    const id = file.customerId[i] ?? '';
    const entry = byCustomer.get(id);
    if (entry) {
      entry.last = Math.max(entry.last, d);
      entry.count++;
      entry.spend += file.amount[i] ?? 0;
    } else byCustomer.set(id, { last: d, count: 1, spend: file.amount[i] ?? 0 });
  }
  if (byCustomer.size === 0) {
    throw new CliInputError(t('analytics.noPurchaseAsOf', { date: options.asOf }));
  }
  const input: CustomerPurchaseSummary[] = [...byCustomer].map(([customerId, entry]) => ({
    customerId,
    lastPurchase: entry.last,
    purchaseCount: entry.count,
    totalSpend: entry.spend,
  }));
  const analysis = scoreRfm(input, { asOf: asOf.value });
  if (!analysis.ok) throw analyticsFailure('RFM', analysis.error);
  const grid = summariseRfmGrid(analysis.value);
  const result: RfmReport = {
    asOf: options.asOf,
    customers: input.length,
    segments: grid.segments.map((segment) => ({
      segment: segment.segment,
      customers: segment.customers,
      revenue: round(segment.revenue, 2),
    })),
  };
  if (options.out) {
    const rows: (string | number)[][] = [
      ['customer_id', 'recency_days', 'frequency', 'monetary', 'r', 'f', 'm', 'rfm', 'segment'],
    ];
    for (const c of analysis.value.customers) {
      rows.push([
        c.customerId,
        c.recencyDays,
        c.frequency,
        round(c.monetary, 2),
        c.recencyScore,
        c.frequencyScore,
        c.monetaryScore,
        c.rfmCode,
        c.segment,
      ]);
    }
    writeOutputFile(options.out, stringify(rows));
    result.file = options.out;
  }
  return result;
}

function table(rows: (string | number)[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(String(cell)));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          padTo(
            String(cell),
            widths[i] ?? 0,
            typeof cell === 'number' || /^-?\d[\d.]*$/.test(cell),
          ),
        )
        .join('  '),
    )
    .join('\n');
}

function formatClv(result: ClvReport): string {
  const rows: (string | number)[][] = [
    [t('analytics.model'), t('analytics.parameters'), t('analytics.logLikelihood')],
  ];
  for (const name of CLV_MODELS) {
    const model = result[name];
    if (!model) continue;
    rows.push([
      name,
      Object.entries(model.params)
        .map(([key, value]) => `${key}=${value.toFixed(4)}`)
        .join(' '),
      Number(model.logLikelihood.toFixed(2)),
    ]);
  }
  const lines = [t('analytics.customers', { n: result.customers }), table(rows)];
  if (result.predictions) {
    const { weeks, file, totalClv } = result.predictions;
    lines.push(t('analytics.predictions', { weeks, file, total: totalClv }));
  }
  return lines.join('\n');
}

function formatRfm(result: RfmReport): string {
  const rows: (string | number)[][] = [
    [t('analytics.segment'), t('analytics.segmentCustomers'), t('analytics.revenue')],
  ];
  for (const s of result.segments) {
    const name = tIfAny(`analytics.segments.${s.segment}`) ?? s.segment;
    rows.push([name, s.customers, s.revenue.toFixed(2)]);
  }
  const lines = [t('analytics.rfmHead', { date: result.asOf, n: result.customers }), table(rows)];
  if (result.file) lines.push(t('analytics.scoresWritten', { file: result.file }));
  return lines.join('\n');
}

function fileOptions(command: Command): Command {
  return command
    .requiredOption('--transactions <file>', t('analytics.transactions'))
    .option('--customer-column <name>', t('analytics.customerColumn'), 'customer_id')
    .option('--date-column <name>', t('analytics.dateColumn'), 'date')
    .option('--amount-column <name>', t('analytics.amountColumn'), 'amount')
    .option('--delimiter <char>', t('analytics.delimiter'), ',')
    .option('--date-format <format>', t('analytics.dateFormat'), 'auto')
    .option('--no-header', t('analytics.noHeader'))
    .option('--json', t('common.json'));
}

async function runAndPrint<T>(json: boolean, work: () => Promise<T>, human: (value: T) => string) {
  try {
    const value = await work();
    printResult(json, value, () => human(value));
  } catch (error) {
    if (error instanceof CliInputError) fail(error.message);
    throw error;
  }
}

export function registerAnalyticsCommands(program: Command): void {
  const analytics = program.command('analytics').description(t('analytics.description'));
  fileOptions(analytics.command('clv').description(t('analytics.clv')))
    .requiredOption('--calibration-end <date>', t('analytics.calibrationEnd'))
    .option('--period <unit>', t('analytics.period'), 'week')
    .option('--models <list>', t('analytics.models'), CLV_MODELS.join(','))
    .option('--predict <weeks>', t('analytics.predict'), Number)
    .option('--out <file>', t('analytics.out'))
    .option('--discount-rate <rate>', t('analytics.discountRate'), Number, 0)
    .option('--margin <share>', t('analytics.margin'), Number, 1)
    .action(async (options: ClvOptions & { json?: boolean }) => {
      await runAndPrint(
        Boolean(options.json),
        () => runClv({ ...options, progress: !options.json }),
        formatClv,
      );
    });
  fileOptions(analytics.command('rfm').description(t('analytics.rfm')))
    .requiredOption('--as-of <date>', t('analytics.asOf'))
    .option('--out <file>', t('analytics.rfmOut'))
    .action(async (options: RfmCliOptions & { json?: boolean }) => {
      await runAndPrint(
        Boolean(options.json),
        () => runRfm({ ...options, progress: !options.json }),
        formatRfm,
      );
    });
}
