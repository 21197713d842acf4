import { sql, type RawBuilder } from 'kysely';

/**
 * `any(…)` over a list sent as one JSON parameter, for `where column = anyOf(values, type)`:
 * the statement's text is the same whatever the list's length, so a server prepares it once
 * (`in ($1, $2, …)` is a new statement, parsed and planned again, for every length), and the
 * embedded database's driver takes it (it sends a JS array as JSON, not as a PostgreSQL
 * array). The list becomes an array once, before the scan, which an index searches by key.
 */
export function anyOf<Value extends string | number>(
  values: readonly Value[],
  type: 'text' | 'uuid' | 'int',
): RawBuilder<Value> {
  return sql<Value>`any(array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)::${sql.raw(type)}))`;
}
