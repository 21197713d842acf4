// The profile form's values and what they become in the API: the whole profile for a new
// customer, only what changed for an existing one (PATCH: null clears, lists replace).
import type {
  AttributeDefinition,
  Customer,
  CustomerCreate,
  CustomerKind,
  CustomerPatch,
} from '../../api/api-types.ts';
import { normalizeContact } from './customer-duplicates.ts';

export type Gender = NonNullable<Customer['gender']>;
export type Channel = NonNullable<Customer['preferredChannel']>;
type AttributeValue = Customer['attributes'][string];

export const genders = [
  'female',
  'male',
  'other',
  'undisclosed',
] as const satisfies readonly Gender[];
export const channels = [
  'email',
  'sms',
  'phone',
  'wechat',
  'post',
] as const satisfies readonly Channel[];

export interface ContactValues {
  value?: string;
  label?: string;
  primary?: boolean;
}

export interface CustomerFormValues {
  kind: CustomerKind;
  name: string;
  externalId?: string;
  emails?: ContactValues[];
  phones?: ContactValues[];
  /** YYYY-MM-DD */
  birthday?: string | null;
  gender?: Gender | null;
  occupation?: string;
  interests?: string[];
  familyNotes?: string;
  notes?: string;
  preferredChannel?: Channel | null;
  /** Only when creating: an existing customer's tags are edited on the page. */
  tags?: string[];
  attributes?: Record<string, AttributeValue | null | undefined>;
}

type Contact = { value: string; label?: string; primary: boolean };

export function emptyFormValues(kind: CustomerKind): CustomerFormValues {
  return { kind, name: '', emails: [], phones: [], interests: [], tags: [], attributes: {} };
}

export function formValuesOf(customer: Customer): CustomerFormValues {
  const contacts = (list: Customer['emails']): ContactValues[] =>
    list.map((c) => ({ value: c.value, label: c.label ?? '', primary: c.primary }));
  return {
    kind: customer.kind,
    name: customer.name,
    externalId: customer.externalId ?? '',
    emails: contacts(customer.emails),
    phones: contacts(customer.phones),
    birthday: customer.birthday,
    gender: customer.gender,
    occupation: customer.occupation ?? '',
    interests: customer.interests,
    familyNotes: customer.familyNotes ?? '',
    notes: customer.notes ?? '',
    preferredChannel: customer.preferredChannel,
    attributes: { ...customer.attributes },
  };
}

function textOrNull(value: string | null | undefined): string | null {
  const text = value?.trim() ?? '';
  return text === '' ? null : text;
}

/** Filled rows, trimmed, exactly one primary (the first marked, else the first), as the server keeps them. */
export function contactsOf(rows: readonly ContactValues[] | undefined): Contact[] {
  const filled = (rows ?? []).filter((row) => textOrNull(row.value) !== null);
  const marked = filled.findIndex((row) => row.primary === true);
  return filled.map((row, index) => {
    const label = textOrNull(row.label);
    return {
      value: textOrNull(row.value)!,
      ...(label ? { label } : {}),
      primary: index === (marked === -1 ? 0 : marked),
    };
  });
}

function interestsOf(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v.trim()).filter(Boolean))];
}

/** An attribute's value as the API takes it; empty is null (none). */
export function attributeValueOf(
  definition: Pick<AttributeDefinition, 'type'>,
  raw: AttributeValue | null | undefined,
): AttributeValue | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') {
    const text = definition.type === 'string' ? raw : raw.trim();
    return text.trim() === '' ? null : text;
  }
  return raw;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields of `values` that differ from `initial`; `{}` when nothing changed. */
export function patchOf(
  initial: CustomerFormValues,
  values: CustomerFormValues,
  definitions: readonly Pick<AttributeDefinition, 'key' | 'type'>[],
): CustomerPatch {
  const patch: CustomerPatch = {};
  const name = values.name.trim();
  if (name !== initial.name.trim()) patch.name = name;
  const externalId = textOrNull(values.externalId);
  if (externalId !== textOrNull(initial.externalId)) patch.externalId = externalId;
  const emails = contactsOf(values.emails);
  if (!same(emails, contactsOf(initial.emails))) patch.emails = emails;
  const phones = contactsOf(values.phones);
  if (!same(phones, contactsOf(initial.phones))) patch.phones = phones;
  const birthday = values.birthday || null;
  if (birthday !== (initial.birthday || null)) patch.birthday = birthday;
  const gender = values.gender ?? null;
  if (gender !== (initial.gender ?? null)) patch.gender = gender;
  const preferredChannel = values.preferredChannel ?? null;
  if (preferredChannel !== (initial.preferredChannel ?? null))
    patch.preferredChannel = preferredChannel;
  for (const key of ['occupation', 'familyNotes', 'notes'] as const) {
    const value = textOrNull(values[key]);
    if (value !== textOrNull(initial[key])) patch[key] = value;
  }
  const interests = interestsOf(values.interests);
  if (!same(interests, interestsOf(initial.interests))) patch.interests = interests;
  const attributes: NonNullable<CustomerPatch['attributes']> = {};
  for (const definition of definitions) {
    const after = attributeValueOf(definition, values.attributes?.[definition.key]);
    const before = attributeValueOf(definition, initial.attributes?.[definition.key]);
    if (after !== before) attributes[definition.key] = after;
  }
  if (Object.keys(attributes).length > 0) patch.attributes = attributes;
  return patch;
}

/** The form's fields an edit can change, each sent under its own name when changed. */
const editableFields = [
  'name',
  'externalId',
  'emails',
  'phones',
  'birthday',
  'gender',
  'preferredChannel',
  'occupation',
  'familyNotes',
  'notes',
  'interests',
] as const satisfies readonly (keyof CustomerFormValues & keyof CustomerPatch)[];

/**
 * The form after reloading a customer someone else changed meanwhile: the user's edits (what
 * `values` changed from `initial`, the customer the form was opened with) on top of `latest`,
 * the customer as it is now. Where both changed a field, the user's value stays. Every
 * attribute is named (`undefined` when unset), so setting these values clears stale ones.
 */
export function rebaseFormValues(
  initial: CustomerFormValues,
  values: CustomerFormValues,
  latest: CustomerFormValues,
  definitions: readonly Pick<AttributeDefinition, 'key' | 'type'>[],
): CustomerFormValues {
  const changed = patchOf(initial, values, definitions);
  const next: CustomerFormValues = { ...latest };
  const keep = <K extends keyof CustomerFormValues>(key: K) => {
    next[key] = values[key];
  };
  for (const key of editableFields) if (key in changed) keep(key);
  const attributes: NonNullable<CustomerFormValues['attributes']> = {};
  for (const { key } of definitions) {
    attributes[key] =
      key in (changed.attributes ?? {}) ? values.attributes?.[key] : latest.attributes?.[key];
  }
  next.attributes = attributes;
  return next;
}

/** What only a person has: the form hides it for an organisation. */
export const personOnlyFields = ['birthday', 'gender', 'occupation', 'familyNotes'] as const;

/** A new customer: the filled fields only (and none of a person's for an organisation). */
export function createInputOf(
  values: CustomerFormValues,
  definitions: readonly Pick<AttributeDefinition, 'key' | 'type'>[],
): CustomerCreate {
  if (values.kind === 'organization') {
    values = { ...values };
    for (const key of personOnlyFields) delete values[key];
  }
  const input: CustomerCreate = { kind: values.kind, name: values.name.trim() };
  const externalId = textOrNull(values.externalId);
  if (externalId) input.externalId = externalId;
  const emails = contactsOf(values.emails);
  if (emails.length) input.emails = emails;
  const phones = contactsOf(values.phones);
  if (phones.length) input.phones = phones;
  if (values.birthday) input.birthday = values.birthday;
  if (values.gender) input.gender = values.gender;
  if (values.preferredChannel) input.preferredChannel = values.preferredChannel;
  for (const key of ['occupation', 'familyNotes', 'notes'] as const) {
    const value = textOrNull(values[key]);
    if (value) input[key] = value;
  }
  const interests = interestsOf(values.interests);
  if (interests.length) input.interests = interests;
  const tags = interestsOf(values.tags);
  if (tags.length) input.tags = tags;
  const attributes: NonNullable<CustomerCreate['attributes']> = {};
  for (const definition of definitions) {
    const value = attributeValueOf(definition, values.attributes?.[definition.key]);
    if (value !== null) attributes[definition.key] = value;
  }
  if (Object.keys(attributes).length > 0) input.attributes = attributes;
  return input;
}

/** The same rule as the server's (5 to 20 digits, an optional leading +, common separators). */
export function isPhoneNumber(input: string): boolean {
  return normalizeContact('phone', input) !== null;
}

/** The server's rule: something@something.something, no spaces. */
export function isEmailAddress(input: string): boolean {
  return normalizeContact('email', input) !== null;
}
