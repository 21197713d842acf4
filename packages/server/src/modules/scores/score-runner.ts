import { Worker } from 'node:worker_threads';
import {
  ScoringInputError,
  scorePopulation,
  type PopulationResult,
  type PurchaseColumnsInput,
  type ScoringOptions,
} from './score-population.ts';

type WorkerReply =
  | { ok: true; result: PopulationResult }
  | { ok: false; code: 'EMPTY_INPUT' | 'INVALID_INPUT' | null; message: string };

/**
 * Runs `scorePopulation` in a worker thread so the fits (seconds on a big tenant) never block
 * the HTTP event loop. The worker (`score-worker.mjs`) registers tsx, then imports the
 * TypeScript sources. `inline: true`
 * runs on the calling thread instead (the CLI, small inputs).
 */
export async function scorePopulationInWorker(
  input: PurchaseColumnsInput,
  options: ScoringOptions,
  settings: { inline?: boolean } = {},
): Promise<PopulationResult> {
  if (settings.inline) return scorePopulation(input, options);
  // Copies, so the caller's arrays stay usable after the transfer.
  // The worker needs only the number of customers, not their ids: a sparse array of that
  // length clones for free.
  const payload: PurchaseColumnsInput = {
    customers: new Array<string>(input.customers.length),
    customerIndex: input.customerIndex.slice(),
    day: input.day.slice(),
    amount: input.amount.slice(),
  };
  const worker = new Worker(new URL('./score-worker.mjs', import.meta.url), {
    workerData: { input: payload, options },
    transferList: [
      payload.customerIndex.buffer,
      payload.day.buffer,
      payload.amount.buffer,
    ] as ArrayBuffer[],
  });
  try {
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', (message: WorkerReply) => resolve(message));
      worker.once('error', reject);
      // After a reply this is a no-op; without one (even exit code 0) the caller must not hang.
      worker.once('exit', (code) =>
        reject(new Error(`scoring worker exited (code ${code}) without a result`)),
      );
    });
    if (reply.ok) {
      const scores = reply.result.scores;
      const customerIds = Array.from(scores.customerCode, (c) => input.customers[c] ?? '');
      const segment = Array.from(scores.segmentCode, (k) => scores.segmentNames[k] ?? '');
      return { ...reply.result, scores: { ...scores, customerIds, segment } };
    }
    if (reply.code) throw new ScoringInputError(reply.code, reply.message);
    throw new Error(reply.message);
  } finally {
    await worker.terminate();
  }
}
