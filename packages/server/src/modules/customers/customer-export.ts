import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Customer, CustomerListQuery } from '@fidelis/contracts';
import type { RequestContext } from '../../http/request-context.ts';
import * as repo from './customers.repository.ts';
import { joinList, quoteCell } from './csv-cells.ts';
import { exportCustomerBatches, type CustomersServiceDb } from './customers.service.ts';

/** The export's columns are import field names, so an exported file imports back as is. */
const columns = [
  'id',
  'externalId',
  'kind',
  'name',
  'email',
  'phone',
  'birthday',
  'gender',
  'occupation',
  'interests',
  'familyNotes',
  'notes',
  'preferredChannel',
  'tags',
  'createdAt',
] as const;

/**
 * A customer's cells: lists as `joinList` writes them, and no cell a spreadsheet would run as a
 * formula (`quoteCell`); the import reads both back as they were.
 */
function cells(customer: Customer, attributeKeys: readonly string[]): string[] {
  const value = (column: (typeof columns)[number]): string => {
    const field = customer[column];
    if (Array.isArray(field)) return joinList(field);
    return field === null || field === undefined ? '' : String(field);
  };
  return [
    ...columns.map(value),
    ...attributeKeys.map((key) => {
      const attribute = customer.attributes[key];
      return attribute === undefined ? '' : String(attribute);
    }),
  ].map(quoteCell);
}

/** Streams the filtered customers as CSV, 1,000 rows per query. */
export function exportCustomersCsv(
  db: CustomersServiceDb,
  context: RequestContext,
  query: Omit<CustomerListQuery, 'cursor' | 'limit'>,
  options: { bom: boolean },
): Readable {
  async function* lines(): AsyncGenerator<string> {
    const definitions = await repo.listAttributeDefinitions(db, context.tenantId);
    const keys = definitions.map((definition) => definition.key);
    yield (
      (options.bom ? '\uFEFF' : '') +
      stringify([[...columns, ...keys.map((key) => `attributes.${key}`)]])
    );
    for await (const batch of exportCustomerBatches(db, context, query)) {
      yield stringify(batch.map((customer) => cells(customer, keys)));
    }
  }
  return Readable.from(lines());
}
