import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/connect.ts';
import { openTestDatabase } from '../../../test/test-app.ts';
import { arrayLiteral } from './scores.repository.ts';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());

describe('arrayLiteral', () => {
  it('round-trips any text (quotes, backslashes, braces, commas, "NULL", empty) and nulls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            fc.oneof(
              fc.string(),
              fc.constantFrom('NULL', '', '{', '}', ',', '"', '\\', ' a ', '客户'),
            ),
          ),
          { maxLength: 20 },
        ),
        async (values) => {
          const clean = values.map((v) => (v === null ? null : v.replaceAll('\u0000', '')));
          const result = await sql<{ value: string | null }>`
            select value from unnest(${arrayLiteral(clean)}::text[]) with ordinality as u(value, n) order by n
          `.execute(database.db);
          expect(result.rows.map((row) => row.value)).toEqual(clean);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('round-trips numbers, including tiny and negative floats', async () => {
    const values = [0, -1.5, 1e-7, 123456789012, 0.1 + 0.2, null];
    const result = await sql<{ value: number | null }>`
      select value from unnest(${arrayLiteral(values)}::float8[]) with ordinality as u(value, n) order by n
    `.execute(database.db);
    expect(result.rows.map((row) => row.value)).toEqual(values);
  });
});
