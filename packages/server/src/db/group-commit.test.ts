import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.ts';

/** A run whose batches the test releases by hand, recording what each batch held. */
function controlledRun() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (items.includes(13)) throw new Error('unlucky');
    return items.map((item) => item * 10);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, run, releaseAll };
}

describe('group commit', () => {
  it('runs a lone item at once and batches what arrives while a transaction runs', async () => {
    const { batches, run, releaseAll } = controlledRun();
    const submit = createGroupCommit(run, { maxBatch: 100, maxInFlight: 1 });
    const first = submit('t1', 1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((item) => submit('t1', item));
    expect(batches).toEqual([[1]]);
    await releaseAll();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps groups apart, bounds the batch size and the transactions in flight', async () => {
    const { batches, run, releaseAll } = controlledRun();
    const submit = createGroupCommit(run, { maxBatch: 2, maxInFlight: 2 });
    const results = [
      submit('a', 1),
      submit('a', 2),
      submit('a', 3),
      submit('a', 4),
      submit('a', 5),
      submit('b', 6),
    ];
    expect(batches).toEqual([[1], [2], [6]]);
    await releaseAll();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches.slice(3)).toEqual([[3, 4], [5]]);
  });

  it('starts a transaction beside a running one only when enough items wait (minBeside)', async () => {
    const { batches, run, releaseAll } = controlledRun();
    const submit = createGroupCommit(run, { maxBatch: 100, maxInFlight: 2, minBeside: 2 });
    const results = [submit('t', 1), submit('t', 2), submit('t', 3)];
    // 1 ran alone at once; 2 waited (one is fewer than 2); with 3 two waited: a second slot.
    expect(batches).toEqual([[1], [2, 3]]);
    results.push(submit('t', 4));
    expect(batches).toEqual([[1], [2, 3]]);
    await releaseAll();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40]);
    // 4 ran when a slot freed, though alone: a finished transaction always takes what waits.
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it('retries the items of a failed batch one by one: only the bad one fails', async () => {
    const { batches, run, releaseAll } = controlledRun();
    const submit = createGroupCommit(run, { maxBatch: 10, maxInFlight: 1 });
    const first = submit('t', 1);
    const others = Promise.allSettled([12, 13, 14].map((item) => submit('t', item)));
    await releaseAll();
    expect(await first).toBe(10);
    const settled = await others;
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('unlucky'));
    expect(batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });
});
