// Worker-thread entry: runs `scorePopulation` off the HTTP thread. Started by
// `scorePopulationInWorker` with tsx registered, so it imports TypeScript directly.
import { parentPort, workerData } from 'node:worker_threads';
import {
  scorePopulation,
  ScoringInputError,
  type PurchaseColumnsInput,
  type ScoringOptions,
} from './score-population.ts';

const { input, options } = workerData as { input: PurchaseColumnsInput; options: ScoringOptions };
try {
  const result = scorePopulation(input, options);
  const s = result.scores;
  // Strings are the slow part of a structured clone: the caller rebuilds ids and segments
  // from the codes.
  const slim = { ...result, scores: { ...s, customerIds: [], segment: [] } };
  parentPort?.postMessage({ ok: true, result: slim }, [
    s.customerCode.buffer,
    s.segmentCode.buffer,
    s.recencyScore.buffer,
    s.frequencyScore.buffer,
    s.monetaryScore.buffer,
    s.x.buffer,
    s.tx.buffer,
    s.T.buffer,
    s.purchases.buffer,
    s.totalSpend.buffer,
    s.monetary.buffer,
    s.lastDay.buffer,
    s.pAlive.buffer,
    s.expectedPurchases.buffer,
    s.expectedSpend.buffer,
    s.clv.buffer,
    s.valueAtRisk.buffer,
  ] as ArrayBuffer[]);
} catch (error) {
  parentPort?.postMessage({
    ok: false,
    code: error instanceof ScoringInputError ? error.code : null,
    message: (error as Error).message ?? String(error),
  });
}
