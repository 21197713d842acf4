// The load generator of the HTTP benchmarks, run in a worker thread (see cannon-worker.mjs):
// autocannon on the server's thread would take a share of the very thread it measures (about a
// third of it at saturation), for the bare endpoint and Fidelis alike.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { bodyAt, type BodySpec } from './bodies.ts';

const { target, headers, seconds, body } = workerData as {
  target: string;
  headers: Record<string, string>;
  seconds: number;
  body: BodySpec;
};
const started = performance.eventLoopUtilization();
let sequence = 0;
const options = {
  url: target,
  connections: 50,
  duration: seconds,
  method: 'POST' as const,
  headers: { 'content-type': 'application/json', ...headers },
  requests: [
    { setupRequest: (request: object) => ({ ...request, body: bodyAt(body, ++sequence) }) },
  ],
};
// Off the main thread autocannon answers its raw histograms; aggregating them is ours to ask
// (`aggregateResult` is documented but missing from @types/autocannon).
const { aggregateResult } = autocannon as unknown as {
  aggregateResult(results: autocannon.Result[], options: autocannon.Options): autocannon.Result;
};
const result = aggregateResult([await autocannon(options)], options);
parentPort!.postMessage({
  requestsPerSecond: Math.round(result['2xx'] / seconds),
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  loadGeneratorBusy: Number(performance.eventLoopUtilization(started).utilization.toFixed(2)),
});
