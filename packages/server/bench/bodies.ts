// Request bodies of the HTTP benchmarks, shared by the load generator (in its worker thread) and
// the benchmarks' own warm-ups and batches.

/** What a load posts: purchases cycling over customers, or redemptions over members. */
export type BodySpec =
  | { kind: 'purchase'; prefix: string; customers: number; customerPrefix: string; amount: number }
  | { kind: 'redemption'; prefix: string; members: readonly string[] };

/** The `sequence`-th body of a load: ids never repeat, customers and members cycle. */
export function bodyAt(spec: BodySpec, sequence: number): string {
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
