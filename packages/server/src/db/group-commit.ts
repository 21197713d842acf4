// Group commit: many concurrent single writes share one transaction. Written by hand because
// the batching libraries on npm (DataLoader and its kin) batch per event-loop tick, which under
// HTTP load yields batches of one; what pays here is batching "whatever arrived while the
// previous transaction ran", bounded by a batch size and a number of transactions in flight.

export interface GroupCommitOptions {
  /** Items in one transaction at most. */
  maxBatch: number;
  /** Transactions of one group running at the same time at most. */
  maxInFlight: number;
  /**
   * Items that must be waiting before another transaction starts beside a running one (default
   * 1). An idle group always runs at once. Above 1, what arrives while a transaction runs waits
   * for it (or for this many to gather) instead of taking the second slot alone: under load
   * the second slot otherwise runs a stream of one-item transactions, each paying the whole
   * transaction's round trips for one item.
   */
  minBeside?: number;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

interface Group<Item, Result> {
  queue: Waiting<Item, Result>[];
  inFlight: number;
}

/**
 * Returns `submit(groupKey, item)`: the item joins the next transaction of its group (items of
 * one group may share a transaction; e.g. one tenant and one caller) and resolves with its own
 * result. An idle group runs at once, so a lone request waits for nobody; under load, batches
 * grow by themselves to what arrived meanwhile. `run` gets the items of one transaction and
 * returns one result per item, in order. If `run` throws for a batch (a deadlock, a poison
 * item), each item is run again alone, so one item's failure never fails its neighbours.
 */
export function createGroupCommit<Item, Result>(
  run: (items: Item[]) => Promise<Result[]>,
  options: GroupCommitOptions,
): (groupKey: string, item: Item) => Promise<Result> {
  const groups = new Map<string, Group<Item, Result>>();

  async function runBatch(batch: Waiting<Item, Result>[]): Promise<void> {
    try {
      const results = await run(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, i) => waiting.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((waiting) => runBatch([waiting])));
    }
  }

  function drain(key: string, group: Group<Item, Result>): void {
    const minBeside = options.minBeside ?? 1;
    while (group.queue.length > 0 && group.inFlight < options.maxInFlight) {
      if (group.inFlight > 0 && group.queue.length < minBeside) return;
      const batch = group.queue.splice(0, options.maxBatch);
      group.inFlight++;
      void runBatch(batch).finally(() => {
        group.inFlight--;
        if (group.queue.length > 0) drain(key, group);
        else if (group.inFlight === 0) groups.delete(key);
      });
    }
  }

  return (groupKey, item) =>
    new Promise<Result>((resolve, reject) => {
      let group = groups.get(groupKey);
      if (!group) {
        group = { queue: [], inFlight: 0 };
        groups.set(groupKey, group);
      }
      group.queue.push({ item, resolve, reject });
      drain(groupKey, group);
    });
}
