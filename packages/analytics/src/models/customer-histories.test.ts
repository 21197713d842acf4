import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uniqueHistories } from './customer-histories.ts';
import { unwrap } from './errors.ts';

describe('uniqueHistories', () => {
  it('merges identical customers into weighted rows and maps customers back', () => {
    const rows = unwrap(
      uniqueHistories({ x: [0, 2, 0, 2, 2], tx: [0, 5, 0, 5, 6], T: [9, 9, 9, 9, 9] }),
    );
    expect(rows.size).toBe(3);
    expect(Array.from(rows.weight)).toEqual([2, 2, 1]);
    expect(Array.from(rows.customerRow)).toEqual([0, 1, 0, 1, 2]);
    expect(rows.repeatWeight).toBe(3);
    expect(rows.ageT.length).toBe(2); // (0, 9) and (2, 9)
    expect(rows.recencyT.length).toBe(3); // (0, 0), (2, 5), (2, 6)
  });

  it('keeps the total weight and maps every customer to its own history', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 4 }),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 3, max: 5 }),
          ),
          { minLength: 1, maxLength: 60 },
        ),
        (customers) => {
          const x = customers.map(([f]) => f);
          const tx = customers.map(([f, r]) => (f === 0 ? 0 : r));
          const T = customers.map(([, , age]) => age);
          const rows = unwrap(uniqueHistories({ x, tx, T }));
          expect(rows.weight.reduce((s, w) => s + w, 0)).toBe(customers.length);
          customers.forEach((_, i) => {
            const row = rows.customerRow[i] ?? -1;
            expect([rows.x[row], rows.tx[row], rows.T[row]]).toEqual([x[i], tx[i], T[i]]);
          });
        },
      ),
    );
  });

  it.each([
    ['empty', { x: [], tx: [], T: [] }, 'EMPTY_INPUT'],
    ['all weights zero', { x: [1], tx: [1], T: [2], weight: [0] }, 'EMPTY_INPUT'],
    ['negative weight', { x: [1], tx: [1], T: [2], weight: [-1] }, 'INVALID_HISTORY'],
    ['negative x', { x: [-1], tx: [0], T: [2] }, 'INVALID_HISTORY'],
    ['infinite T', { x: [1], tx: [1], T: [Infinity] }, 'INVALID_HISTORY'],
  ])('rejects %s', (_name, data, code) => {
    const result = uniqueHistories(data);
    expect(result.ok ? 'ok' : result.error.code).toBe(code);
  });
});
