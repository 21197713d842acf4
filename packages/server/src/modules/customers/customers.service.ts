import { sql, type Kysely } from 'kysely';
import { newId } from '../../db/ids.ts';
import { inTransaction } from '../../db/transaction.ts';
import type {
  AttributeDefinition,
  AttributeDefinitionPatch,
  AttributeUsage,
  ConsentChannel,
  Customer,
  CustomerCreate,
  CustomerListQuery,
  CustomerPatch,
  FieldErrorReason,
  MemberListQuery,
} from '@fidelis/contracts';
import { AppError, type FieldError } from '../../http/app-error.ts';
import type { RequestContext } from '../../http/request-context.ts';
import { decodeCursor, encodeCursor, recordAudit, type PlatformTables } from '../platform/index.ts';
import * as repo from './customers.repository.ts';
import type { CustomerRow } from './customers.repository.ts';
import {
  listCustomerRows,
  listMemberRows,
  type CustomerFilter,
  type CustomerSort,
} from './customer-search.repository.ts';
import type { CustomersTables } from './customers.table.ts';
import { externalIdHash, isUuid } from './customer-refs.ts';
import {
  checkAttribute,
  checkAttributes,
  checkBirthday,
  checkNotInFuture,
  normalizeEmail,
  normalizePhone,
  type AttributeRule,
  type AttributeValue,
} from './customer-fields.ts';
import { nameKeys } from '../../text/name-keys.ts';
import { CustomerVersionMismatch } from './customers.errors.ts';

export type CustomersServiceDb = Kysely<CustomersTables & PlatformTables>;

type Gender = Customer['gender'];

function searchTextOf(name: string, kind: 'person' | 'organization', externalId: string | null) {
  const keys = nameKeys(name, kind);
  return {
    sort_key: keys.sortKey,
    search_text: externalId ? `${keys.searchText} ${externalId.toLowerCase()}` : keys.searchText,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

async function toCustomers(db: CustomersServiceDb, tenantId: string, rows: CustomerRow[]) {
  const ids = rows.map((row) => row.id);
  const [contacts, tags, consents, merged] = await Promise.all([
    repo.findContacts(db, tenantId, ids),
    repo.findTags(db, tenantId, ids),
    repo.findConsents(db, tenantId, ids),
    repo.findMergedIds(db, tenantId, ids),
  ]);
  const group = <T extends { customer_id: string }>(items: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of items)
      map.set(item.customer_id, [...(map.get(item.customer_id) ?? []), item]);
    return map;
  };
  const contactsBy = group(contacts);
  const tagsBy = group(tags);
  const consentsBy = group(consents);
  const mergedBy = new Map<string, string[]>();
  for (const row of merged)
    mergedBy.set(row.merged_into, [...(mergedBy.get(row.merged_into) ?? []), row.id]);
  return rows.map((row): Customer => {
    const own = contactsBy.get(row.id) ?? [];
    const shape = (kind: 'email' | 'phone') =>
      own
        .filter((contact) => contact.kind === kind)
        .map((contact) => ({
          value: contact.value,
          label: contact.label,
          primary: contact.is_primary,
        }));
    const emails = shape('email');
    const phones = shape('phone');
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      externalId: row.external_id,
      email: emails.find((contact) => contact.primary)?.value ?? null,
      phone: phones.find((contact) => contact.primary)?.value ?? null,
      emails,
      phones,
      birthday: row.birthday,
      gender: row.gender as Gender,
      occupation: row.occupation,
      interests: row.interests,
      familyNotes: row.family_notes,
      notes: row.notes,
      preferredChannel: row.preferred_channel as ConsentChannel | null,
      consent: (consentsBy.get(row.id) ?? []).map((consent) => ({
        channel: consent.channel as ConsentChannel,
        status: consent.status,
        at: consent.at.toISOString(),
        source: consent.source,
      })),
      tags: (tagsBy.get(row.id) ?? []).map((tag) => tag.tag),
      attributes: row.attributes,
      source: row.source,
      mergedIds: mergedBy.get(row.id) ?? [],
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      version: row.version,
    };
  });
}

/**
 * The live customer an id stands for: a merged id answers with its survivor; an erased
 * customer is 410; another tenant's id is as unknown as a made-up one.
 */
async function liveRow(
  db: CustomersServiceDb,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<CustomerRow> {
  const notFound = () => new AppError('CUSTOMER_NOT_FOUND', `No customer ${id}.`);
  if (!isUuid(id)) throw notFound();
  let row = await repo.findCustomerRow(db, tenantId, id, options);
  if (row?.merged_into) row = await repo.findCustomerRow(db, tenantId, row.merged_into, options);
  if (!row) throw notFound();
  if (row.erased_at) {
    throw new AppError(
      'CUSTOMER_ERASED',
      `The customer ${id} was erased at the customer's request.`,
    );
  }
  return row;
}

export async function getCustomer(
  db: CustomersServiceDb,
  context: RequestContext,
  id: string,
): Promise<Customer> {
  const row = await liveRow(db, context.tenantId, id);
  const [customer] = await toCustomers(db, context.tenantId, [row]);
  return customer!;
}

async function attributeRules(
  db: CustomersServiceDb,
  tenantId: string,
  options: { keys?: readonly string[]; keyShare?: boolean } = {},
) {
  const rows = await repo.listAttributeDefinitions(db, tenantId, options);
  return new Map<string, AttributeRule>(
    rows.map((row) => [row.key, { key: row.key, type: row.type, options: row.options }]),
  );
}

/**
 * The rules of the attributes a write sets, locked until it commits: the definition cannot be
 * deleted, or lose an option, between the check and the write. Take them before locking the
 * customer: deleting a definition locks it first and then the customers holding it.
 */
function lockedAttributeRules(
  db: CustomersServiceDb,
  tenantId: string,
  values: Readonly<Record<string, unknown>> | undefined,
) {
  return attributeRules(db, tenantId, { keys: Object.keys(values ?? {}), keyShare: true });
}

/** `key=value` filters, typed by the attribute definitions (`vip=true` is a boolean). */
async function attributeFilter(
  db: CustomersServiceDb,
  tenantId: string,
  raw: string | string[] | undefined,
): Promise<Record<string, AttributeValue> | undefined> {
  if (raw === undefined) return undefined;
  const pairs = Array.isArray(raw) ? raw : [raw];
  const rules = await attributeRules(db, tenantId);
  const out: Record<string, AttributeValue> = {};
  const errors: FieldError[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at) : '';
    const checked = checkAttribute(rules.get(key), key, pair.slice(at + 1), true);
    if (at <= 0) {
      errors.push({
        field: 'query.attribute',
        message: 'use key=value',
        reason: 'invalid_format',
        params: { format: 'key_value' },
      });
    } else if (!checked.ok) {
      const { message, ...why } = checked.error;
      errors.push({ field: 'query.attribute', message: `${key}: ${message}`, ...why });
    } else out[key] = checked.value;
  }
  if (errors.length > 0)
    throw new AppError('VALIDATION_FAILED', 'The attribute filter is not valid.', errors);
  return out;
}

export async function customerFilterOf(
  db: CustomersServiceDb,
  tenantId: string,
  query: Omit<CustomerListQuery, 'cursor' | 'limit'>,
): Promise<CustomerFilter> {
  return {
    q: query.q || undefined,
    kind: query.kind,
    tag: query.tag,
    attributes: await attributeFilter(db, tenantId, query.attribute),
    createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
    createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
  };
}

export function sortOf(query: {
  q?: string | undefined;
  sort?: CustomerSort | undefined;
}): CustomerSort {
  return query.sort ?? (query.q ? 'name' : '-created');
}

export async function listCustomers(
  db: CustomersServiceDb,
  context: RequestContext,
  query: CustomerListQuery,
): Promise<{ items: Customer[]; nextCursor: string | null }> {
  const sort = sortOf(query);
  const filter = await customerFilterOf(db, context.tenantId, query);
  // The key is a name's sort key, or the creation instant.
  const cursor = query.cursor
    ? decodeCursor(query.cursor, {
        sort: 'text',
        key: sort.endsWith('name') ? 'text' : 'instant',
        id: 'uuid',
        fuzzy: 'flag',
      })
    : undefined;
  if (cursor && cursor.sort !== sort) {
    throw new AppError('VALIDATION_FAILED', 'The cursor belongs to another sort order.', [
      { field: 'cursor', message: 'invalid cursor', reason: 'invalid_value' },
    ]);
  }
  const after = cursor ? { key: cursor.key, id: cursor.id } : undefined;
  // Exact matches first; similar names (typos) only when they leave the first page short —
  // similarity is the costly part of a search. The exact matches read are not read again.
  let fuzzy = cursor?.fuzzy === 1;
  const page = (exactRows?: CustomerRow[]) =>
    listCustomerRows(
      db,
      context.tenantId,
      { ...filter, fuzzy },
      sort,
      after,
      query.limit + 1,
      exactRows,
    );
  let rows = await page();
  if (filter.q && !cursor && rows.length < query.limit) {
    fuzzy = true;
    rows = await page(rows);
  }
  const pageRows = rows.slice(0, query.limit);
  const last = rows.length > query.limit ? pageRows.at(-1) : undefined;
  return {
    items: await toCustomers(db, context.tenantId, pageRows),
    nextCursor: last
      ? encodeCursor({
          sort,
          fuzzy: fuzzy ? 1 : 0,
          id: last.id,
          key: sort.endsWith('name') ? last.sort_key : last.created_at.toISOString(),
        })
      : null,
  };
}

/** Rows for an export, in keyset batches; the caller streams them out. */
export async function* exportCustomerBatches(
  db: CustomersServiceDb,
  context: RequestContext,
  query: Omit<CustomerListQuery, 'cursor' | 'limit'>,
  batchSize = 1000,
): AsyncGenerator<Customer[]> {
  const sort = sortOf(query);
  const exact = await customerFilterOf(db, context.tenantId, query);
  // Like the list: similar names only when exact matches are few.
  const filter =
    exact.q &&
    (await listCustomerRows(db, context.tenantId, exact, sort, undefined, 50)).length < 50
      ? { ...exact, fuzzy: true }
      : exact;
  let after: { key: string; id: string } | undefined;
  for (;;) {
    const rows = await listCustomerRows(db, context.tenantId, filter, sort, after, batchSize);
    if (rows.length === 0) return;
    yield await toCustomers(db, context.tenantId, rows);
    const last = rows.at(-1)!;
    after = {
      id: last.id,
      key: sort.endsWith('name') ? last.sort_key : last.created_at.toISOString(),
    };
    if (rows.length < batchSize) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

type ContactInput = { value: string; label?: string | undefined; primary?: boolean | undefined };
type Contact = { value: string; label: string | null; primary: boolean };

/** Normalises a list of contacts plus an optional primary one; exactly one ends primary. */
function contactsOf(
  kind: 'email' | 'phone',
  list: readonly ContactInput[] | undefined,
  primary: string | undefined,
  errors: FieldError[],
): Contact[] {
  const normalize = kind === 'email' ? normalizeEmail : normalizePhone;
  const out: Contact[] = [];
  const add = (input: ContactInput, field: string) => {
    const checked = normalize(input.value);
    if (!checked.ok) {
      errors.push({ field, ...checked.error });
      return;
    }
    const existing = out.find((contact) => contact.value === checked.value);
    if (existing) {
      existing.primary ||= input.primary === true;
      return;
    }
    out.push({ value: checked.value, label: input.label ?? null, primary: input.primary === true });
  };
  if (primary !== undefined) add({ value: primary, primary: true }, kind);
  (list ?? []).forEach((input, index) => add(input, `${kind}s[${index}].value`));
  const firstPrimary = out.findIndex((contact) => contact.primary);
  out.forEach((contact, index) => {
    contact.primary = index === (firstPrimary === -1 ? 0 : firstPrimary);
  });
  return out;
}

function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.normalize('NFKC').trim()).filter(Boolean))];
}

/** Checks a birthday given (not cleared) against the clock. */
function checkBirthdayOf(birthday: string | null | undefined, now: Date, errors: FieldError[]) {
  if (!birthday) return;
  const checked = checkBirthday(birthday, now);
  if (!checked.ok) errors.push({ field: 'birthday', ...checked.error });
}

/** When a consent decision was made: the time given, not ahead of the clock, or now. */
function consentAt(at: string | undefined, now: Date, field: string, errors: FieldError[]): Date {
  if (!at) return now;
  const checked = checkNotInFuture(new Date(at), now);
  if (!checked.ok) errors.push({ field, ...checked.error });
  return checked.ok ? checked.value : now;
}

function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0)
    throw new AppError('VALIDATION_FAILED', 'The customer is not valid.', errors);
}

function checkedAttributes(
  rules: ReadonlyMap<string, AttributeRule>,
  values: Readonly<Record<string, unknown>> | undefined,
) {
  if (!values || Object.keys(values).length === 0) return {};
  const { values: checked, problems } = checkAttributes(rules, values);
  if (problems.length > 0) {
    const code = problems.some((problem) => problem.code === 'ATTRIBUTE_NOT_DEFINED')
      ? 'ATTRIBUTE_NOT_DEFINED'
      : 'ATTRIBUTE_INVALID';
    throw new AppError(
      code,
      'Some attributes are not defined or have the wrong type.',
      problems.map(({ code: _code, ...error }) => error),
    );
  }
  return checked;
}

function externalIdTaken(externalId: string): AppError {
  return new AppError('EXTERNAL_ID_TAKEN', `Another customer has the external id ${externalId}.`, [
    { field: 'externalId', message: 'already used by another customer', reason: 'already_used' },
  ]);
}

export async function createCustomer(
  db: CustomersServiceDb,
  context: RequestContext,
  input: CustomerCreate,
): Promise<Customer> {
  const tenantId = context.tenantId;
  const errors: FieldError[] = [];
  const emails = contactsOf('email', input.emails, input.email, errors);
  const phones = contactsOf('phone', input.phones, input.phone, errors);
  const now = new Date();
  checkBirthdayOf(input.birthday, now, errors);
  const consents = Object.entries(input.consent ?? {}).map(([channel, consent]) => ({
    channel,
    ...consent,
    at: consentAt(consent.at, now, `consent.${channel}.at`, errors),
  }));
  throwIfErrors(errors);
  return inTransaction(db, async (trx) => {
    const attributes = checkedAttributes(
      await lockedAttributeRules(trx, tenantId, input.attributes),
      input.attributes,
    );
    const id = newId();
    const externalId = input.externalId ?? null;
    const inserted = await repo.insertCustomer(trx, {
      tenant_id: tenantId,
      id,
      kind: input.kind,
      name: input.name,
      ...searchTextOf(input.name, input.kind, externalId),
      external_id: externalId,
      erased_external_id_hash: null,
      birthday: input.birthday ?? null,
      gender: input.gender ?? null,
      occupation: input.occupation ?? null,
      interests: JSON.stringify(input.interests ?? []),
      family_notes: input.familyNotes ?? null,
      notes: input.notes ?? null,
      preferred_channel: input.preferredChannel ?? null,
      attributes: JSON.stringify(
        Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null)),
      ),
      // Made in the web UI by a signed-in person, or by another system through an API key.
      source: context.actor.type === 'user' ? 'staff' : 'api',
      merged_into: null,
      merged_at: null,
      erased_at: null,
      created_at: now,
      updated_at: now,
    });
    if (!inserted) throw externalIdTaken(externalId ?? '');
    await repo.replaceContacts(trx, tenantId, id, 'email', emails);
    await repo.replaceContacts(trx, tenantId, id, 'phone', phones);
    await repo.addTags(trx, tenantId, id, uniqueTags(input.tags ?? []));
    for (const consent of consents) {
      await repo.upsertConsent(trx, {
        tenant_id: tenantId,
        customer_id: id,
        channel: consent.channel,
        status: consent.status,
        at: consent.at,
        source: consent.source ?? 'api',
        eventId: newId(),
      });
    }
    const created = await getCustomer(trx, context, id);
    // The values as created; erasure takes them out of the audit log again.
    await recordAudit(trx, context, {
      action: 'customer.create',
      entityType: 'customer',
      entityId: id,
      after: auditedValues(created),
    });
    return created;
  });
}

/** What of a customer the audit log keeps: its fields, without ids, version and timestamps. */
function auditedValues(customer: Customer): Record<string, unknown> {
  const {
    id: _id,
    version: _version,
    createdAt: _created,
    updatedAt: _updated,
    ...rest
  } = customer;
  return rest;
}

/** The fields whose value differs between two states of a customer, before and after. */
function changedFields(
  before: Customer,
  after: Customer,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const was = auditedValues(before);
  const is = auditedValues(after);
  const changed = Object.keys(is).filter(
    (key) => JSON.stringify(was[key]) !== JSON.stringify(is[key]),
  );
  return {
    before: Object.fromEntries(changed.map((key) => [key, was[key]])),
    after: Object.fromEntries(changed.map((key) => [key, is[key]])),
  };
}

/**
 * Changes a customer. With `expectedVersions` (an HTTP If-Match) the change is made only while
 * the customer is at one of them, else it is refused with CUSTOMER_VERSION_MISMATCH and nothing
 * changes: the version is compared under the row lock, so of two edits of the same version
 * exactly one succeeds.
 */
export async function updateCustomer(
  db: CustomersServiceDb,
  context: RequestContext,
  id: string,
  patch: CustomerPatch,
  options: { expectedVersions?: readonly number[] | undefined } = {},
): Promise<Customer> {
  const tenantId = context.tenantId;
  return inTransaction(db, async (trx) => {
    const rules = await lockedAttributeRules(trx, tenantId, patch.attributes);
    const row = await liveRow(trx, tenantId, id, { forUpdate: true });
    if (options.expectedVersions && !options.expectedVersions.includes(row.version)) {
      throw new CustomerVersionMismatch(
        row.version,
        `The customer changed since you read it: it is at version ${row.version} now.`,
      );
    }
    const errors: FieldError[] = [];
    const current = (await toCustomers(trx, tenantId, [row]))[0]!;
    // Nothing asked, nothing changed: the version stays, so others' If-Match still holds.
    if (Object.keys(patch).length === 0) return current;
    const contactUpdate = (kind: 'email' | 'phone') => {
      const list = kind === 'email' ? patch.emails : patch.phones;
      const primary = kind === 'email' ? patch.email : patch.phone;
      if (list === undefined && primary === undefined) return undefined;
      const base: ContactInput[] =
        list ??
        (kind === 'email' ? current.emails : current.phones).map((contact) => ({
          value: contact.value,
          ...(contact.label ? { label: contact.label } : {}),
          primary: contact.primary,
        }));
      if (primary === null) {
        // Clearing the primary removes that contact; the next one becomes primary.
        return contactsOf(
          kind,
          base.filter((contact) => !contact.primary),
          undefined,
          errors,
        );
      }
      const withoutPrimary =
        primary === undefined ? base : base.map((c) => ({ ...c, primary: false }));
      return contactsOf(kind, withoutPrimary, primary, errors);
    };
    const emails = contactUpdate('email');
    const phones = contactUpdate('phone');
    checkBirthdayOf(patch.birthday, new Date(), errors);
    throwIfErrors(errors);
    const attributes = checkedAttributes(rules, patch.attributes);
    const name = patch.name ?? row.name;
    const externalId = patch.externalId === undefined ? row.external_id : patch.externalId;
    if (externalId !== row.external_id && externalId !== null) {
      const holder = await repo.findByExternalId(trx, tenantId, externalId);
      if (holder) throw externalIdTaken(externalId);
    }
    const mergedAttributes: Record<string, AttributeValue> = { ...row.attributes };
    for (const [key, value] of Object.entries(attributes)) {
      if (value === null) delete mergedAttributes[key];
      else mergedAttributes[key] = value;
    }
    const pick = <T>(value: T | undefined, fallback: T): T =>
      value === undefined ? fallback : value;
    await repo.updateCustomer(trx, tenantId, row.id, {
      name,
      ...searchTextOf(name, row.kind, externalId),
      external_id: externalId,
      birthday: pick(patch.birthday, row.birthday),
      gender: pick(patch.gender, row.gender as Gender),
      occupation: pick(patch.occupation, row.occupation),
      interests: JSON.stringify(pick(patch.interests, row.interests)),
      family_notes: pick(patch.familyNotes, row.family_notes),
      notes: pick(patch.notes, row.notes),
      preferred_channel: pick(patch.preferredChannel, row.preferred_channel),
      attributes: JSON.stringify(mergedAttributes),
    });
    if (emails) await repo.replaceContacts(trx, tenantId, row.id, 'email', emails);
    if (phones) await repo.replaceContacts(trx, tenantId, row.id, 'phone', phones);
    if (patch.tags) {
      await repo.removeTags(trx, tenantId, row.id, 'all');
      await repo.addTags(trx, tenantId, row.id, uniqueTags(patch.tags));
    }
    const updated = await getCustomer(trx, context, row.id);
    // Before and after of each field that changed; erasure takes the values out again.
    const changed = changedFields(current, updated);
    await recordAudit(trx, context, {
      action: 'customer.update',
      entityType: 'customer',
      entityId: row.id,
      before: changed.before,
      after: changed.after,
    });
    return updated;
  }).catch((error: unknown) => {
    // Another request took the external id between our check and our write.
    if ((error as { code?: string }).code === '23505' && patch.externalId) {
      throw externalIdTaken(patch.externalId);
    }
    throw error;
  });
}

/**
 * Erasure at the customer's request (PIPL art. 47, GDPR art. 17): personal data goes, the row
 * stays as an anonymous tombstone so purchases recorded elsewhere still count. Customers merged
 * into this one hold the same person's data and are erased with it. Erasing twice is a no-op.
 */
export async function eraseCustomer(
  db: CustomersServiceDb,
  context: RequestContext,
  id: string,
): Promise<void> {
  const tenantId = context.tenantId;
  await inTransaction(db, async (trx) => {
    if (!isUuid(id)) throw new AppError('CUSTOMER_NOT_FOUND', `No customer ${id}.`);
    const asked = await repo.findCustomerRow(trx, tenantId, id);
    if (!asked) throw new AppError('CUSTOMER_NOT_FOUND', `No customer ${id}.`);
    const survivorId = asked.merged_into ?? asked.id;
    const survivor = await repo.findCustomerRow(trx, tenantId, survivorId, { forUpdate: true });
    if (!survivor || survivor.erased_at) return;
    const ids = [
      survivorId,
      ...(await repo.findMergedIds(trx, tenantId, [survivorId])).map((r) => r.id),
    ];
    const rows = await repo.findCustomerRows(trx, tenantId, ids);
    const now = new Date();
    for (const row of rows) {
      await repo.updateCustomer(trx, tenantId, row.id, {
        name: '',
        sort_key: '',
        search_text: '',
        external_id: null,
        erased_external_id_hash: row.external_id ? externalIdHash(row.external_id) : null,
        birthday: null,
        gender: null,
        occupation: null,
        interests: '[]',
        family_notes: null,
        notes: null,
        preferred_channel: null,
        attributes: '{}',
        erased_at: now,
      });
    }
    for (const table of ['customer_contacts', 'customer_tags', 'customer_consents'] as const) {
      await trx
        .deleteFrom(table)
        .where('tenant_id', '=', tenantId)
        .where('customer_id', 'in', ids)
        .execute();
    }
    await trx
      .deleteFrom('customer_members')
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('organization_id', 'in', ids), eb('person_id', 'in', ids)]))
      .execute();
    await recordAudit(trx, context, {
      action: 'customer.erase',
      entityType: 'customer',
      entityId: survivorId,
      after: { erasedIds: ids },
    });
  });
}

export async function addCustomerTags(
  db: CustomersServiceDb,
  context: RequestContext,
  id: string,
  tags: readonly string[],
  remove = false,
): Promise<{ tags: string[] }> {
  return inTransaction(db, async (trx) => {
    const row = await liveRow(trx, context.tenantId, id, { forUpdate: true });
    const clean = uniqueTags(tags);
    if (remove) await repo.removeTags(trx, context.tenantId, row.id, clean);
    else await repo.addTags(trx, context.tenantId, row.id, clean);
    await repo.updateCustomer(trx, context.tenantId, row.id, {});
    await recordAudit(trx, context, {
      action: remove ? 'customer.untag' : 'customer.tag',
      entityType: 'customer',
      entityId: row.id,
      after: { tags: clean },
    });
    const found = await repo.findTags(trx, context.tenantId, [row.id]);
    return { tags: found.map((tag) => tag.tag) };
  });
}

export async function setConsent(
  db: CustomersServiceDb,
  context: RequestContext,
  id: string,
  channel: ConsentChannel,
  input: { status: 'granted' | 'withdrawn'; source?: string | undefined; at?: string | undefined },
) {
  const errors: FieldError[] = [];
  const at = consentAt(input.at, new Date(), 'at', errors);
  throwIfErrors(errors);
  return inTransaction(db, async (trx) => {
    const row = await liveRow(trx, context.tenantId, id, { forUpdate: true });
    await repo.upsertConsent(trx, {
      tenant_id: context.tenantId,
      customer_id: row.id,
      channel,
      status: input.status,
      at,
      source: input.source ?? (context.actor.type === 'user' ? 'staff' : 'api'),
      eventId: newId(),
    });
    // Consent is part of the customer: its version (and entity tag) moves with it.
    await repo.updateCustomer(trx, context.tenantId, row.id, {});
    await recordAudit(trx, context, {
      action: 'customer.consent',
      entityType: 'customer',
      entityId: row.id,
      after: { channel, status: input.status, source: input.source ?? null },
    });
    const [state] = (await repo.findConsents(trx, context.tenantId, [row.id])).filter(
      (consent) => consent.channel === channel,
    );
    return {
      channel,
      status: state!.status,
      at: state!.at.toISOString(),
      source: state!.source,
    };
  });
}

/** The consent on record per channel, and every decision behind it (the proof of consent). */
export async function getConsent(db: CustomersServiceDb, context: RequestContext, id: string) {
  const row = await liveRow(db, context.tenantId, id);
  const merged = await repo.findMergedIds(db, context.tenantId, [row.id]);
  const ids = [row.id, ...merged.map((m) => m.id)];
  const [current, events] = await Promise.all([
    repo.findConsents(db, context.tenantId, [row.id]),
    repo.findConsentEvents(db, context.tenantId, ids),
  ]);
  return {
    current: current.map((consent) => ({
      channel: consent.channel as ConsentChannel,
      status: consent.status,
      at: consent.at.toISOString(),
      source: consent.source,
    })),
    history: events.map((event) => ({
      channel: event.channel as ConsentChannel,
      status: event.status,
      at: event.at.toISOString(),
      source: event.source,
      recordedAt: event.recorded_at.toISOString(),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Attribute definitions

function toDefinition(row: repo.AttributeDefinitionRow): AttributeDefinition {
  return {
    key: row.key,
    labelZh: row.label_zh,
    labelEn: row.label_en,
    type: row.type,
    options: row.options,
    createdAt: row.created_at.toISOString(),
  };
}

const onlyForEnum: Omit<FieldError, 'field'> = {
  message: 'only for type enum',
  reason: 'only_for',
  params: { field: 'type', value: 'enum' },
};

export async function listAttributeDefinitions(db: CustomersServiceDb, context: RequestContext) {
  return (await repo.listAttributeDefinitions(db, context.tenantId)).map(toDefinition);
}

export async function createAttributeDefinition(
  db: CustomersServiceDb,
  context: RequestContext,
  input: {
    key: string;
    labelZh: string;
    labelEn: string;
    type: AttributeDefinition['type'];
    options?: string[] | undefined;
  },
): Promise<AttributeDefinition> {
  const options = [...new Set(input.options ?? [])];
  if (input.type === 'enum' && options.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'An enum attribute needs its options.', [
      { field: 'options', message: 'required for type enum', reason: 'required' },
    ]);
  }
  if (input.type !== 'enum' && options.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'Only an enum attribute has options.', [
      { field: 'options', ...onlyForEnum },
    ]);
  }
  return inTransaction(db, async (trx) => {
    const inserted = await repo.insertAttributeDefinition(trx, {
      tenant_id: context.tenantId,
      key: input.key,
      label_zh: input.labelZh,
      label_en: input.labelEn,
      type: input.type,
      options: JSON.stringify(options),
      created_at: new Date(),
    });
    if (!inserted) {
      throw new AppError('CONFLICT', `The attribute ${input.key} is already defined.`, [
        { field: 'key', message: 'already defined', reason: 'already_used' },
      ]);
    }
    await recordAudit(trx, context, {
      action: 'customer_attribute.create',
      entityType: 'customer_attribute',
      entityId: input.key,
      after: input,
    });
    const found = (await repo.listAttributeDefinitions(trx, context.tenantId)).find(
      (row) => row.key === input.key,
    );
    return toDefinition(found!);
  });
}

function attributeNotFound(key: string): AppError {
  return new AppError('NOT_FOUND', `No attribute ${key} is defined.`);
}

/** Customers holding a value of the attribute, and (for an enum) of each option. */
export async function getAttributeUsage(
  db: CustomersServiceDb,
  context: RequestContext,
  key: string,
): Promise<AttributeUsage> {
  const row = await repo.findAttributeDefinition(db, context.tenantId, key);
  if (!row) throw attributeNotFound(key);
  const counted = await repo.countAttributeValues(db, context.tenantId, key, {
    perValue: row.type === 'enum',
  });
  return {
    key,
    customers: counted.customers,
    options: row.options.map((option) => ({
      option,
      customers: counted.perValue.get(option) ?? 0,
    })),
  };
}

/**
 * Changes an attribute's labels, or an enum's options. The key and the type stay (a value
 * customers hold would no longer mean what it did); an option may be left out only while no
 * customer holds it. A change to nothing records nothing.
 */
export async function updateAttributeDefinition(
  db: CustomersServiceDb,
  context: RequestContext,
  key: string,
  patch: AttributeDefinitionPatch,
): Promise<AttributeDefinition> {
  const tenantId = context.tenantId;
  return inTransaction(db, async (trx) => {
    // Locked: customer writes checking a value against it wait for this change (and it for them).
    const row = await repo.findAttributeDefinition(trx, tenantId, key, { forUpdate: true });
    if (!row) throw attributeNotFound(key);
    const errors: FieldError[] = [];
    if (patch.key !== undefined && patch.key !== row.key) {
      errors.push({
        field: 'key',
        message: 'cannot change: define a new attribute with the new key instead',
        reason: 'immutable',
      });
    }
    if (patch.type !== undefined && patch.type !== row.type) {
      errors.push({
        field: 'type',
        message: `cannot change from ${row.type}: define a new attribute with the new type instead`,
        reason: 'immutable',
      });
    }
    let options = row.options;
    if (patch.options !== undefined) {
      const next = [...new Set(patch.options)];
      if (row.type !== 'enum' && next.length > 0) errors.push({ field: 'options', ...onlyForEnum });
      else if (row.type === 'enum' && next.length === 0)
        errors.push({
          field: 'options',
          message: 'an enum needs at least one option',
          reason: 'too_small',
          params: { origin: 'array', minimum: 1 },
        });
      else options = next;
    }
    if (errors.length > 0) {
      throw new AppError('VALIDATION_FAILED', `The attribute ${key} cannot change so.`, errors);
    }
    const removed = row.options.filter((option) => !options.includes(option));
    if (removed.length > 0) {
      const { perValue } = await repo.countAttributeValues(trx, tenantId, key, { perValue: true });
      const held = removed.flatMap((option) => {
        const customers = perValue.get(option) ?? 0;
        return customers > 0 ? [{ option, customers }] : [];
      });
      if (held.length > 0) {
        const holders = (customers: number) =>
          customers === 1 ? '1 customer holds it' : `${customers} customers hold it`;
        throw new AppError(
          'CONFLICT',
          `Customers hold ${held.map(({ option }) => option).join(', ')}: change their values ` +
            'before removing the option.',
          held.map(({ option, customers }) => ({
            field: 'options',
            message: `${option}: ${holders(customers)}`,
            reason: 'in_use',
            params: { value: option, count: customers },
          })),
        );
      }
    }
    const before = { labelZh: row.label_zh, labelEn: row.label_en, options: row.options };
    const after = {
      labelZh: patch.labelZh ?? row.label_zh,
      labelEn: patch.labelEn ?? row.label_en,
      options,
    };
    if (JSON.stringify(after) === JSON.stringify(before)) return toDefinition(row);
    const updated = await repo.updateAttributeDefinition(trx, tenantId, key, {
      label_zh: after.labelZh,
      label_en: after.labelEn,
      options: JSON.stringify(after.options),
    });
    await recordAudit(trx, context, {
      action: 'customer_attribute.update',
      entityType: 'customer_attribute',
      entityId: key,
      before,
      after,
    });
    return toDefinition(updated);
  });
}

/**
 * Deletes an attribute definition. While customers hold a value of it, the deletion is refused
 * (CONFLICT) unless `force`, which removes those values in the same transaction. Either way the
 * key leaves every customer row, merged ones included, so a later definition of the same key
 * starts clean. Deleting again is NOT_FOUND.
 */
export async function deleteAttributeDefinition(
  db: CustomersServiceDb,
  context: RequestContext,
  key: string,
  options: { force: boolean },
): Promise<void> {
  const tenantId = context.tenantId;
  await inTransaction(db, async (trx) => {
    // Locked before the customers (as customer writes lock it): no value is set while we count.
    const row = await repo.findAttributeDefinition(trx, tenantId, key, { forUpdate: true });
    if (!row) throw attributeNotFound(key);
    const { customers } = await repo.countAttributeValues(trx, tenantId, key, {
      perValue: false,
    });
    if (customers > 0 && !options.force) {
      const holders = customers === 1 ? '1 customer holds' : `${customers} customers hold`;
      throw new AppError(
        'CONFLICT',
        `${holders} a value of ${key}: remove the values first, or delete with force=true to ` +
          'remove them with it.',
        [
          {
            field: 'key',
            message: `${key}: ${holders} a value of it`,
            reason: 'in_use',
            params: { value: key, count: customers },
          },
        ],
      );
    }
    await repo.removeAttributeValues(trx, tenantId, key);
    await repo.deleteAttributeDefinition(trx, tenantId, key);
    // The values themselves are personal data: the log keeps how many went, not what they were.
    await recordAudit(trx, context, {
      action: 'customer_attribute.delete',
      entityType: 'customer_attribute',
      entityId: key,
      before: {
        key,
        labelZh: row.label_zh,
        labelEn: row.label_en,
        type: row.type,
        options: row.options,
      },
      after: { force: options.force, valuesRemoved: customers },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Organisation members

function toMember(row: repo.MemberRow) {
  return {
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    personId: row.person_id,
    personName: row.person_name,
    role: row.role,
    title: row.title,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * An organisation's people, or the organisations a person belongs to, a page at a time in the
 * other side's name order; `q` finds them as the customer search does, or by role or title.
 */
export async function listMembers(
  db: CustomersServiceDb,
  context: RequestContext,
  id: string,
  query: MemberListQuery,
) {
  const row = await liveRow(db, context.tenantId, id);
  const by = row.kind === 'organization' ? { organizationId: row.id } : { personId: row.id };
  const cursor = query.cursor
    ? decodeCursor(query.cursor, { key: 'text', id: 'uuid', fuzzy: 'flag' })
    : undefined;
  const after = cursor ? { key: cursor.key, id: cursor.id } : undefined;
  const q = query.q || undefined;
  // Exact matches first; similar names (typos) only when they leave the first page short, as
  // the customer list does (the exact matches read are not read again).
  let fuzzy = cursor?.fuzzy === 1;
  const page = (exactRows?: repo.MemberRow[]) =>
    listMemberRows(
      db,
      context.tenantId,
      by,
      q ? { q, fuzzy } : undefined,
      after,
      query.limit + 1,
      exactRows,
    );
  let rows = await page();
  if (q && !cursor && rows.length < query.limit) {
    fuzzy = true;
    rows = await page(rows);
  }
  const pageRows = rows.slice(0, query.limit);
  const last = rows.length > query.limit ? pageRows.at(-1) : undefined;
  return {
    items: pageRows.map(toMember),
    nextCursor: last
      ? encodeCursor({
          fuzzy: fuzzy ? 1 : 0,
          ...(row.kind === 'organization'
            ? { key: last.person_sort_key, id: last.person_id }
            : { key: last.organization_sort_key, id: last.organization_id }),
        })
      : null,
  };
}

export async function addMember(
  db: CustomersServiceDb,
  context: RequestContext,
  organizationId: string,
  input: { personId: string; role?: string | undefined; title?: string | undefined },
) {
  return inTransaction(db, async (trx) => {
    const organization = await liveRow(trx, context.tenantId, organizationId);
    if (organization.kind !== 'organization') {
      throw new AppError('VALIDATION_FAILED', 'Only an organisation has members.', [
        { field: 'id', message: 'not an organization', reason: 'invalid_value' },
      ]);
    }
    const person = await liveRow(trx, context.tenantId, input.personId).catch((error: unknown) => {
      if (error instanceof AppError) {
        throw new AppError(error.code, error.message, [
          {
            field: 'personId',
            message: error.message,
            reason: error.code === 'CUSTOMER_NOT_FOUND' ? 'not_found' : 'invalid',
          },
        ]);
      }
      throw error;
    });
    if (person.kind !== 'person') {
      throw new AppError('VALIDATION_FAILED', 'A member is a person.', [
        { field: 'personId', message: 'not a person', reason: 'invalid_value' },
      ]);
    }
    await repo.upsertMember(trx, {
      tenant_id: context.tenantId,
      organization_id: organization.id,
      person_id: person.id,
      role: input.role ?? null,
      title: input.title ?? null,
    });
    await recordAudit(trx, context, {
      action: 'customer.member.add',
      entityType: 'customer',
      entityId: organization.id,
      after: { personId: person.id, role: input.role ?? null, title: input.title ?? null },
    });
    return toMember((await repo.findMember(trx, context.tenantId, organization.id, person.id))!);
  });
}

export async function removeMember(
  db: CustomersServiceDb,
  context: RequestContext,
  organizationId: string,
  personId: string,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const organization = await liveRow(trx, context.tenantId, organizationId);
    const removed = isUuid(personId)
      ? await repo.deleteMember(trx, context.tenantId, organization.id, personId)
      : false;
    if (!removed)
      throw new AppError('NOT_FOUND', `${personId} is not a member of ${organizationId}.`);
    await recordAudit(trx, context, {
      action: 'customer.member.remove',
      entityType: 'customer',
      entityId: organization.id,
      after: { personId },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Merge

/**
 * Folds `duplicateId` into `survivorId`. The survivor keeps its own values and gains the
 * duplicate's contacts, tags, interests, attributes (its own win on conflict), newer consent
 * decisions and memberships; empty fields are filled from the duplicate. The duplicate stays
 * as a tombstone (`merged_into`) with its history; reads of its id answer with the survivor,
 * and facts recorded against it are found with `customerIdsOf`.
 */
export async function mergeCustomers(
  db: CustomersServiceDb,
  context: RequestContext,
  survivorId: string,
  duplicateId: string,
): Promise<Customer> {
  const tenantId = context.tenantId;
  return inTransaction(db, async (trx) => {
    const invalid = (message: string, reason: FieldErrorReason = 'invalid') =>
      new AppError('MERGE_INVALID', message, [{ field: 'duplicateId', message, reason }]);
    // The attribute definitions first (as customer writes and their deletion lock them): a
    // definition deleted while we merge cannot have its value carried to the survivor.
    const defined = new Set(
      (await repo.listAttributeDefinitions(trx, tenantId, { keyShare: true })).map((d) => d.key),
    );
    // Lock both in id order so two opposite merges cannot deadlock.
    for (const id of [survivorId, duplicateId].sort()) {
      if (isUuid(id)) await repo.findCustomerRow(trx, tenantId, id, { forUpdate: true });
    }
    const survivor = await liveRow(trx, tenantId, survivorId);
    if (survivor.id !== survivorId)
      throw invalid(`${survivorId} was merged into ${survivor.id}; merge into that.`);
    const duplicateRow = isUuid(duplicateId)
      ? await repo.findCustomerRow(trx, tenantId, duplicateId)
      : undefined;
    if (!duplicateRow) {
      throw new AppError('CUSTOMER_NOT_FOUND', `No customer ${duplicateId}.`, [
        { field: 'duplicateId', message: 'unknown customer', reason: 'not_found' },
      ]);
    }
    if (duplicateRow.id === survivor.id)
      throw invalid('A customer cannot be merged into itself.', 'self_not_allowed');
    // A retried merge answers as the first one did, changing nothing.
    if (duplicateRow.merged_into === survivor.id) return getCustomer(trx, context, survivor.id);
    if (duplicateRow.merged_into)
      throw invalid(`${duplicateId} is already merged into ${duplicateRow.merged_into}.`);
    if (duplicateRow.erased_at) throw invalid(`${duplicateId} is erased.`);
    if (duplicateRow.kind !== survivor.kind)
      throw invalid('A person and an organisation cannot be merged.');
    const duplicate = duplicateRow;
    const s = survivor.id;
    const d = duplicate.id;

    // Contacts: the survivor's primaries stay primary; the duplicate's fill in where missing.
    await sql`
      insert into customer_contacts (tenant_id, customer_id, kind, value, label, is_primary, created_at)
      select tenant_id, ${s}, kind, value, label,
             is_primary and not exists (
               select 1 from customer_contacts p
               where p.tenant_id = dc.tenant_id and p.customer_id = ${s} and p.kind = dc.kind and p.is_primary
             ),
             created_at
      from customer_contacts dc
      where dc.tenant_id = ${tenantId} and dc.customer_id = ${d}
      on conflict do nothing`.execute(trx);
    await trx
      .deleteFrom('customer_contacts')
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', d)
      .execute();
    await sql`
      insert into customer_tags (tenant_id, customer_id, tag, created_at)
      select tenant_id, ${s}, tag, created_at from customer_tags
      where tenant_id = ${tenantId} and customer_id = ${d}
      on conflict do nothing`.execute(trx);
    await repo.removeTags(trx, tenantId, d, 'all');
    // Consent: the later decision per channel wins; the history stays under each id.
    await sql`
      insert into customer_consents (tenant_id, customer_id, channel, status, at, source)
      select tenant_id, ${s}, channel, status, at, source from customer_consents
      where tenant_id = ${tenantId} and customer_id = ${d}
      on conflict (tenant_id, customer_id, channel) do update
        set status = excluded.status, at = excluded.at, source = excluded.source
        where customer_consents.at < excluded.at`.execute(trx);
    await trx
      .deleteFrom('customer_consents')
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', d)
      .execute();
    // Memberships move to the survivor (both sides of the link). Where both were linked to the
    // same customer, the survivor's role and title win and the duplicate's fill what it lacks.
    await sql`
      insert into customer_members (tenant_id, organization_id, person_id, role, title, created_at)
      select tenant_id,
             case when organization_id = ${d} then ${s}::uuid else organization_id end,
             case when person_id = ${d} then ${s}::uuid else person_id end,
             role, title, created_at
      from customer_members
      where tenant_id = ${tenantId} and (organization_id = ${d} or person_id = ${d})
      on conflict (tenant_id, organization_id, person_id) do update
        set role = coalesce(customer_members.role, excluded.role),
            title = coalesce(customer_members.title, excluded.title)`.execute(trx);
    await trx
      .deleteFrom('customer_members')
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('organization_id', '=', d), eb('person_id', '=', d)]))
      .execute();

    const interests = [...new Set([...survivor.interests, ...duplicate.interests])];
    await repo.updateCustomer(trx, tenantId, s, {
      birthday: survivor.birthday ?? duplicate.birthday,
      gender: survivor.gender ?? duplicate.gender,
      occupation: survivor.occupation ?? duplicate.occupation,
      interests: JSON.stringify(interests),
      family_notes: survivor.family_notes ?? duplicate.family_notes,
      notes: survivor.notes ?? duplicate.notes,
      preferred_channel: survivor.preferred_channel ?? duplicate.preferred_channel,
      attributes: JSON.stringify(
        Object.fromEntries(
          Object.entries({ ...duplicate.attributes, ...survivor.attributes }).filter(([key]) =>
            defined.has(key),
          ),
        ),
      ),
    });
    const now = new Date();
    await repo.updateCustomer(trx, tenantId, d, { merged_into: s, merged_at: now });
    // Keep merges one level deep: whatever was merged into the duplicate now points at the survivor.
    await trx
      .updateTable('customers')
      .set({ merged_into: s })
      .where('tenant_id', '=', tenantId)
      .where('merged_into', '=', d)
      .execute();
    await recordAudit(trx, context, {
      action: 'customer.merge',
      entityType: 'customer',
      entityId: s,
      after: { survivorId: s, duplicateId: d },
    });
    return getCustomer(trx, context, s);
  });
}
