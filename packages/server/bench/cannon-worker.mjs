// The load generator of the HTTP benchmarks, in a worker thread of its own: autocannon running on
// the server's thread would take a share of the very thread it measures (about a third of it at
// saturation), for the bare endpoint and Fidelis alike. Plain JavaScript, so the worker needs no
// TypeScript loader. The bodies are described by data (`workerData.body`), generated here.
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

const { target, headers, seconds, body: spec } = workerData;
const started = performance.eventLoopUtilization();
let sequence = 0;

/** A fresh body per request: ids never repeat, customers and members cycle. */
function nextBody() {
  sequence++;
  if (spec.kind === 'redemption') {
    return JSON.stringify({
      customerId: spec.members[sequence % spec.members.length],
      points: 1,
      idempotencyKey: `${spec.prefix}-${sequence}`,
    });
  }
  return JSON.stringify({
    id: `${spec.prefix}-${process.pid}-${sequence}`,
    type: 'purchase',
    customerExternalId: `${spec.customerPrefix}-${sequence % spec.customers}`,
    occurredAt: '2026-11-01T10:00:00Z',
    currency: 'CNY',
    amount: spec.amount,
    lines: [{ sku: 'SKU-1', category: 'tea', quantity: 1, amount: spec.amount }],
  });
}

const options = {
  url: target,
  connections: 50,
  duration: seconds,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  requests: [{ setupRequest: (request) => ({ ...request, body: nextBody() }) }],
};
// Off the main thread autocannon answers its raw histograms; aggregating them is ours to ask.
const result = autocannon.aggregateResult([await autocannon(options)], options);
parentPort.postMessage({
  requestsPerSecond: Math.round(result['2xx'] / seconds),
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors,
  loadGeneratorBusy: Number(performance.eventLoopUtilization(started).utilization.toFixed(2)),
});
