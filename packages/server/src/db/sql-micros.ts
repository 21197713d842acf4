import { sql, type RawBuilder } from 'kysely';

/**
 * A timestamp column as microseconds since 1970, in decimal digits, for keyset cursors.
 * PostgreSQL keeps microseconds and a JS Date milliseconds: a cursor made of the Date would
 * land between two rows written in the same millisecond (`now()` defaults do that) and skip
 * the one after it on the next page. Digits, because beyond 2^53 (after 2255) a number rounds.
 */
export function microsOf(column: string): RawBuilder<string> {
  return sql<string>`((extract(epoch from ${sql.ref(column)}) * 1000000)::bigint)::text`;
}

/** The timestamp `microsOf` gave out, exactly, for comparing with the column again. */
export function instantOfMicros(micros: string): RawBuilder<Date> {
  // Whole seconds and the microseconds apart: interval * number goes through a double.
  const value = sql`${micros}::bigint`;
  return sql<Date>`timestamptz 'epoch' + (${value} / 1000000) * interval '1 second'
    + (${value} % 1000000) * interval '1 microsecond'`;
}
