// Benchmark of the CLV models: `npm run bench:analytics` (add `-- --quick` for a small run).
// (a) CDNOW master (23,570 customers); (b) a simulated BG/NBD population, 1,000,000 customers
// and ~10,000,000 purchases by default. Prints a markdown table; reads files, so it lives
// outside `src`.
import os from 'node:os';
import {
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  scoreCustomers,
  simulateBgNbdPurchases,
  summarizeTransactions,
  unwrapResult,
  type TransactionSummary,
} from '../src/models/index.ts';
import { CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END, readCdnowPurchases } from './cdnow-data.ts';

const quick = process.argv.includes('--quick');
const SIMULATED_CUSTOMERS = quick ? 50_000 : 1_000_000;

interface Row {
  readonly dataSet: string;
  readonly step: string;
  readonly seconds: number;
  readonly detail: string;
}
const rows: Row[] = [];

function timed<T>(dataSet: string, step: string, run: () => T, detail: (value: T) => string): T {
  const start = performance.now();
  const value = run();
  const seconds = (performance.now() - start) / 1000;
  rows.push({ dataSet, step, seconds, detail: detail(value) });
  process.stderr.write(`${dataSet} / ${step}: ${seconds.toFixed(2)} s\n`);
  return value;
}

const fixed = (value: number, digits = 3): string => value.toFixed(digits);

function pipeline(dataSet: string, summary: TransactionSummary, horizon: number): number {
  let total = 0;
  const bg = timed(
    dataSet,
    'BG/NBD fit',
    () => unwrapResult(fitBgNbd(summary)),
    (fit) => {
      const { r, alpha, a, b } = fit.params;
      return `r=${fixed(r)} α=${fixed(alpha)} a=${fixed(a)} b=${fixed(b)}, LL=${fixed(fit.logLikelihood, 1)}, ${fit.evaluations} evaluations`;
    },
  );
  total += rows.at(-1)?.seconds ?? 0;
  const gg = timed(
    dataSet,
    'Gamma-Gamma fit',
    () => unwrapResult(fitGammaGamma(summary, { excludeNonPositiveSpend: true })),
    (fit) => {
      const { p, q, v } = fit.params;
      return `p=${fixed(p)} q=${fixed(q)} γ=${fixed(v)} on ${fit.customers} repeat buyers (${fit.excludedCustomers} with zero spend left out)`;
    },
  );
  total += rows.at(-1)?.seconds ?? 0;
  timed(
    dataSet,
    `scoring (P(alive), E[purchases], E[spend], CLV over ${horizon} weeks, 12 steps)`,
    () =>
      unwrapResult(
        scoreCustomers(summary, {
          countModel: bg,
          spendModel: gg,
          horizon,
          margin: 0.3,
          discountRate: 0.002,
          steps: 12,
        }),
      ),
    (scores) => {
      let clv = 0;
      for (const value of scores.clv) clv += value;
      return `${scores.clv.length} customers, ${scores.uniqueHistories} unique histories, total CLV ${fixed(clv, 0)}`;
    },
  );
  total += rows.at(-1)?.seconds ?? 0;
  return total;
}

// (a) CDNOW master.
{
  const dataSet = 'CDNOW master';
  const purchases = timed(
    dataSet,
    'read file (not counted)',
    () => readCdnowPurchases('CDNOW_master.txt'),
    (p) => `${p.day.length} purchases`,
  );
  let total = 0;
  const summary = timed(
    dataSet,
    'summary (39-week calibration, weeks)',
    () =>
      unwrapResult(
        summarizeTransactions(purchases, {
          calibrationEnd: CDNOW_CALIBRATION_END,
          observationEnd: CDNOW_OBSERVATION_END,
          period: 'week',
        }),
      ),
    (s) => `${s.x.length} customers`,
  );
  total += rows.at(-1)?.seconds ?? 0;
  total += pipeline(dataSet, summary, 52);
  rows.push({
    dataSet,
    step: '**summary + BG/NBD + Gamma-Gamma + scoring**',
    seconds: total,
    detail: '',
  });
  timed(
    dataSet,
    'Pareto/NBD fit',
    () => unwrapResult(fitParetoNbd(summary)),
    (fit) => {
      const { r, alpha, s, beta } = fit.params;
      return `r=${fixed(r)} α=${fixed(alpha)} s=${fixed(s)} β=${fixed(beta)}, LL=${fixed(fit.logLikelihood, 1)}, ${fit.evaluations} evaluations`;
    },
  );
}

// (b) Simulated BG/NBD population: 12 weeks of acquisition, 52-week calibration, 26-week holdout.
{
  const dataSet = `simulated ${SIMULATED_CUSTOMERS.toLocaleString('en-US')}`;
  const firstDay = 19_000;
  const calibrationEnd = firstDay + 52 * 7 - 1;
  const observationEnd = calibrationEnd + 26 * 7;
  const truth = { r: 1, alpha: 1.4, a: 2, b: 12 };
  const purchases = timed(
    dataSet,
    'simulate purchases (not counted)',
    () =>
      simulateBgNbdPurchases({
        params: truth,
        spend: { p: 6, q: 4, v: 15 },
        customers: SIMULATED_CUSTOMERS,
        firstDay,
        acquisitionDays: 84,
        lastDay: observationEnd,
        daysPerUnit: 7,
        seed: 20_260_101,
      }),
    (p) =>
      `${p.day.length.toLocaleString('en-US')} purchases; truth r=1 α=1.4 a=2 b=12, p=6 q=4 γ=15`,
  );
  let total = 0;
  const summary = timed(
    dataSet,
    'summary (52-week calibration, 26-week holdout)',
    () =>
      unwrapResult(
        summarizeTransactions(purchases, { calibrationEnd, observationEnd, period: 'week' }),
      ),
    (s) => `${s.x.length} customers`,
  );
  total += rows.at(-1)?.seconds ?? 0;
  total += pipeline(dataSet, summary, 52);
  rows.push({
    dataSet,
    step: '**summary + BG/NBD + Gamma-Gamma + scoring**',
    seconds: total,
    detail: 'target < 15 s',
  });
  timed(
    dataSet,
    'Pareto/NBD fit',
    () => unwrapResult(fitParetoNbd(summary)),
    (fit) => {
      const { r, alpha, s, beta } = fit.params;
      return `r=${fixed(r)} α=${fixed(alpha)} s=${fixed(s)} β=${fixed(beta)}, ${fit.evaluations} evaluations; target < 60 s`;
    },
  );
}

const peakMb = process.resourceUsage().maxRSS / 1024;
const lines = [
  `Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${quick ? 'quick run' : 'full run'}`,
  '',
  '| data set | step | seconds | detail |',
  '| --- | --- | ---: | --- |',
  ...rows.map(
    (row) => `| ${row.dataSet} | ${row.step} | ${row.seconds.toFixed(2)} | ${row.detail} |`,
  ),
  '',
  `Peak RSS (process.resourceUsage().maxRSS): ${peakMb.toFixed(0)} MB (target < 2048 MB)`,
];
console.log(lines.join('\n'));
