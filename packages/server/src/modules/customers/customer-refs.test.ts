import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { openTestDatabase } from '../../../test/test-app.ts';
import type { DatabaseHandle } from '../../db/connect.ts';
import { createTenant, systemContext } from '../platform/index.ts';
import type { KyselyPlugin } from 'kysely';
import {
  countCustomers,
  customerIdsOf,
  readCustomerRefs,
  resolveCustomerRefs,
} from './customer-refs.ts';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

async function tenant() {
  const created = await createTenant(database.db, { name: 'Refs' });
  return systemContext(created.tenantId);
}

describe('resolveCustomerRefs', () => {
  it('creates unknown external ids once, resolves them after, and counts them', async () => {
    const context = await tenant();
    const refs = [
      { customerExternalId: 'crm-1' },
      { customerExternalId: 'crm-2' },
      { customerExternalId: 'crm-1' },
      { customerId: uuidv7() },
      { customerId: 'not-a-uuid' },
      {},
    ];
    const first = await resolveCustomerRefs(database.db, context, refs, { createMissing: true });
    expect(first[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first[1]).not.toBe(first[0]);
    expect(first[2]).toBe(first[0]);
    expect(first.slice(3)).toEqual([null, null, null]);
    const again = await resolveCustomerRefs(
      database.db,
      context,
      [{ customerExternalId: 'crm-2' }, { customerId: first[0]! }, { customerExternalId: 'x' }],
      { createMissing: false },
    );
    expect(again).toEqual([first[1], first[0], null]);
    expect(await countCustomers(database.db, context.tenantId)).toBe(2);
    expect(await customerIdsOf(database.db, context.tenantId, first[0]!)).toEqual([first[0]]);
  });

  it('creates an external id once under concurrent batches', async () => {
    const context = await tenant();
    const refs = Array.from({ length: 20 }, (_, i) => ({ customerExternalId: `ext-${i % 5}` }));
    const results = await Promise.all(
      [0, 1, 2, 3].map(() =>
        resolveCustomerRefs(database.db, context, refs, { createMissing: true }),
      ),
    );
    for (const result of results) expect(result).toEqual(results[0]);
    expect(new Set(results[0]).size).toBe(5);
    expect(await countCustomers(database.db, context.tenantId)).toBe(5);
  });

  it('never resolves another tenant’s customers', async () => {
    const a = await tenant();
    const b = await tenant();
    const [id] = await resolveCustomerRefs(database.db, a, [{ customerExternalId: 'same' }], {
      createMissing: true,
    });
    const fromB = await resolveCustomerRefs(
      database.db,
      b,
      [{ customerId: id! }, { customerExternalId: 'same' }],
      { createMissing: false },
    );
    expect(fromB).toEqual([null, null]);
  });

  it('uses a read made ahead when it names every customer, and creates what it did not find', async () => {
    const context = await tenant();
    const [known] = await resolveCustomerRefs(database.db, context, [{ customerExternalId: 'k' }], {
      createMissing: true,
    });
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const counted = database.db.withPlugin(counter);
    const refs = [{ customerExternalId: 'k' }, { customerId: known! }];
    const ahead = await readCustomerRefs(database.db, context.tenantId, refs);
    expect(
      await resolveCustomerRefs(counted, context, refs, { createMissing: true, readAhead: ahead }),
    ).toEqual([known, known]);
    expect(statements).toBe(0);

    // A customer the read did not look for: the resolver reads for itself.
    const wider = [...refs, { customerExternalId: 'new' }];
    const resolved = await resolveCustomerRefs(counted, context, wider, {
      createMissing: true,
      readAhead: ahead,
    });
    expect(resolved.slice(0, 2)).toEqual([known, known]);
    expect(resolved[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(statements).toBeGreaterThan(0);

    // Looked for and not found (created since, or never): created once, or read back.
    const aheadOfNew = await readCustomerRefs(database.db, context.tenantId, [
      { customerExternalId: 'new' },
      { customerExternalId: 'newer' },
    ]);
    const [again, newer] = await resolveCustomerRefs(
      database.db,
      context,
      [{ customerExternalId: 'new' }, { customerExternalId: 'newer' }],
      { createMissing: true, readAhead: aheadOfNew },
    );
    expect(again).toBe(resolved[2]);
    expect(newer).toMatch(/^[0-9a-f-]{36}$/);
    expect(await countCustomers(database.db, context.tenantId)).toBe(3);
  });
});
