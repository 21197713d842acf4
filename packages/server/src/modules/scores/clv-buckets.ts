/**
 * The CLV histogram's buckets: `regular` buckets of a round `width` (1, 2, 2.5 or 5 × 10ⁿ minor
 * units, never under 1) from 0 to the first edge at or above `high` (the 99th percentile), so at
 * most `buckets − 1` of them, and room for one more holding the tail above. Round edges read as
 * "$20–$40" rather than "$19.99–$39.98".
 *
 * @example
 * clvBuckets(37_980, 20); // { width: 2_000, regular: 19 }: $0–$20 … $360–$380, then $380+
 */
export function clvBuckets(high: number, buckets: number): { width: number; regular: number } {
  const raw = Math.max(1, high / Math.max(1, buckets - 1));
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // 2.5 × 1 is no whole number of minor units.
  const mantissas = magnitude >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
  const width = (mantissas.find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  return { width, regular: Math.max(1, Math.ceil(high / width)) };
}
