import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, apiRequest } from '../../api/api-client.ts';
import type {
  AttributeDefinition,
  AttributeDefinitionPatch,
  AttributeUsage,
  Customer,
  CustomerCreate,
  CustomerImportReport,
  CustomerKind,
  CustomerMember,
  CustomerPatch,
  Page,
} from '../../api/api-types.ts';
import type { AttributeDefinitionCreate } from './attribute-definitions.ts';
import { customerSorts } from '@fidelis/contracts';
import { auditKeys } from '../platform/audit.api.ts';

export type CustomerSort = (typeof customerSorts)[number];

export function isCustomerSort(value: string | null): value is CustomerSort {
  return (customerSorts as readonly (string | null)[]).includes(value);
}

export interface CustomerFilters {
  q: string;
  kind: CustomerKind | '';
  tag: string;
  /** '' for the server's default: by name when searching, else newest first. */
  sort: CustomerSort | '';
}

export const customerKeys = {
  /** Every list page, whatever its filters. */
  lists: ['customers', 'list'] as const,
  list: (filters: CustomerFilters) => ['customers', 'list', filters] as const,
  /** Every customer read one by one. */
  allOne: ['customers', 'one'] as const,
  one: (id: string) => ['customers', 'one', id] as const,
  /** Every organisation's members. */
  allMembers: ['customers', 'members'] as const,
  /** One customer's members (or organisations) that a search for `q` finds ('' for all). */
  members: (id: string, q: string) => ['customers', 'members', id, q] as const,
  attributes: ['customers', 'attribute-definitions'] as const,
  /** How many customers hold a value of one attribute (under `attributes`, so it goes stale with them). */
  attributeUsage: (key: string) => ['customers', 'attribute-definitions', key, 'usage'] as const,
  /** Every lookup by email or phone. */
  allWithContact: ['customers', 'with-contact'] as const,
  /** The customers with one email or phone (`value` as `contactKey` gives it). */
  withContact: (kind: 'email' | 'phone', value: string) =>
    ['customers', 'with-contact', kind, value] as const,
  /** Every search of a customer picker (CustomerSearchSelect). */
  allSearches: ['customers', 'search'] as const,
  /** The customers (of `kind`, or any: '') a picker's search for `q` finds. */
  search: (kind: CustomerKind | '', q: string) => ['customers', 'search', kind, q] as const,
};

/**
 * After a person joins or leaves an organisation: both sides' member lists, and the change
 * history, which shows the link (a membership does not change either customer's version).
 */
export function invalidateMembers(queryClient: QueryClient): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: customerKeys.allMembers }),
    queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  ]).then(() => undefined);
}

export const PAGE_SIZE = 25;

export function listCustomers(
  filters: CustomerFilters,
  cursor: string | null,
  signal?: AbortSignal,
) {
  return api.get<Page<Customer>>(
    '/v1/customers',
    {
      q: filters.q.trim(),
      kind: filters.kind,
      tag: filters.tag.trim(),
      sort: filters.sort,
      cursor,
      limit: PAGE_SIZE,
    },
    signal,
  );
}

/**
 * What the search finds for `q` among live customers (merged and erased ones are never listed),
 * up to 100: a phone or email finds every customer whose contact starts with it, so callers
 * looking for one contact keep the exact matches.
 */
export async function searchCustomers(q: string, signal?: AbortSignal): Promise<Customer[]> {
  const reply = await api.get<Page<Customer>>('/v1/customers', { q: q.trim(), limit: 100 }, signal);
  return reply.items;
}

export function getCustomer(id: string, signal?: AbortSignal) {
  return api.get<Customer>(`/v1/customers/${encodeURIComponent(id)}`, undefined, signal);
}

export const MEMBERS_PAGE_SIZE = 20;

/** One page of an organisation's people (or a person's organisations), in name order. */
export function listMembers(id: string, q: string, cursor: string | null, signal?: AbortSignal) {
  return api.get<Page<CustomerMember>>(
    `/v1/customers/${encodeURIComponent(id)}/members`,
    { q: q.trim(), cursor, limit: MEMBERS_PAGE_SIZE },
    signal,
  );
}

/** Links a person to an organisation (again: updates the role and title). */
export function addMember(
  organizationId: string,
  input: { personId: string; role?: string; title?: string },
) {
  return apiRequest<CustomerMember>(
    'POST',
    `/v1/customers/${encodeURIComponent(organizationId)}/members`,
    { json: input },
  );
}

/** Unlinks a person from an organisation (both customers stay). */
export function removeMember(organizationId: string, personId: string) {
  return api.delete<unknown>(
    `/v1/customers/${encodeURIComponent(organizationId)}/members/${encodeURIComponent(personId)}`,
  );
}

/**
 * Creates a customer. Send the same `idempotencyKey` again (a retry, a second click) and the
 * server answers with the customer the first request made instead of making another.
 */
export function createCustomer(input: CustomerCreate, idempotencyKey: string) {
  return apiRequest<Customer>('POST', '/v1/customers', {
    json: input,
    headers: { 'idempotency-key': idempotencyKey },
  });
}

/**
 * Sends only the fields that changed: `null` clears one, lists replace, attributes merge.
 * With `version` (the one the edit started from) the server changes the customer only if it is
 * still at that version, else it refuses with 412 CUSTOMER_VERSION_MISMATCH.
 */
export function updateCustomer(id: string, patch: CustomerPatch, version?: number) {
  return apiRequest<Customer>('PATCH', `/v1/customers/${encodeURIComponent(id)}`, {
    json: patch,
    // The customer's entity tag is its version in quotes (the server's ETag).
    ...(version === undefined ? {} : { headers: { 'if-match': `"${version}"` } }),
  });
}

/** Folds `duplicateId` into `survivorId`, which keeps its id and gains the other's history. */
export function mergeCustomers(survivorId: string, duplicateId: string) {
  return api.post<Customer>(`/v1/customers/${encodeURIComponent(survivorId)}/merge`, {
    duplicateId,
  });
}

/** Erases the personal data; the anonymous record and its purchases remain. */
export function eraseCustomer(id: string) {
  return api.delete<null>(`/v1/customers/${encodeURIComponent(id)}`);
}

export async function listAttributeDefinitions(
  signal?: AbortSignal,
): Promise<AttributeDefinition[]> {
  const reply = await api.get<{ items: AttributeDefinition[] }>(
    '/v1/customer-attributes',
    undefined,
    signal,
  );
  return reply.items;
}

/** The tenant's custom attribute definitions (few, and rarely changed). */
export function useAttributeDefinitions(enabled = true) {
  return useQuery({
    queryKey: customerKeys.attributes,
    queryFn: ({ signal }) => listAttributeDefinitions(signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** Defines a custom attribute. */
export function createAttributeDefinition(input: AttributeDefinitionCreate) {
  return api.post<AttributeDefinition>('/v1/customer-attributes', input);
}

/** Changes an attribute's labels or an enum's options (the key and the type stay). */
export function updateAttributeDefinition(key: string, patch: AttributeDefinitionPatch) {
  return api.patch<AttributeDefinition>(
    `/v1/customer-attributes/${encodeURIComponent(key)}`,
    patch,
  );
}

/**
 * Deletes an attribute. While customers hold a value of it the server refuses (409 CONFLICT)
 * unless `force`, which removes their values with it.
 */
export function deleteAttributeDefinition(key: string, force: boolean) {
  return apiRequest<null>('DELETE', `/v1/customer-attributes/${encodeURIComponent(key)}`, {
    query: { force },
  });
}

/** How many customers hold a value of the attribute, and of each option of an enum. */
export function getAttributeUsage(key: string, signal?: AbortSignal) {
  return api.get<AttributeUsage>(
    `/v1/customer-attributes/${encodeURIComponent(key)}/usage`,
    undefined,
    signal,
  );
}

export function addTag(id: string, tag: string) {
  return api.post<unknown>(`/v1/customers/${encodeURIComponent(id)}/tags`, { tags: [tag] });
}

export function removeTag(id: string, tag: string) {
  return api.delete<unknown>(`/v1/customers/${encodeURIComponent(id)}/tags`, { tags: [tag] });
}

export function setConsent(id: string, channel: string, status: 'granted' | 'withdrawn') {
  return api.put<unknown>(
    `/v1/customers/${encodeURIComponent(id)}/consent/${encodeURIComponent(channel)}`,
    { status },
  );
}

export type ImportEncoding = 'auto' | 'utf8' | 'gbk';
export type ImportMode = 'all-or-nothing' | 'skip-invalid';

export function importCustomers(
  file: Blob,
  options: { encoding: ImportEncoding; mode: ImportMode; dryRun: boolean },
) {
  return apiRequest<CustomerImportReport>('POST', '/v1/customers/imports', {
    body: file,
    contentType: 'text/csv',
    query: { encoding: options.encoding, mode: options.mode, dryRun: options.dryRun },
  });
}
