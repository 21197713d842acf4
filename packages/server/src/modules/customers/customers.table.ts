import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T extends object> = JSONColumnType<T, string, string>;

export interface CustomersTable {
  tenant_id: string;
  id: string;
  kind: 'person' | 'organization';
  /** Empty once erased. */
  name: string;
  /** Pinyin (toneless, syllables separated by spaces) or lower-cased name: `C`-collated sort key. */
  sort_key: string;
  /** Name, full pinyin, initials, lower-cased: what the trigram index searches. */
  search_text: string;
  /** Generated from sort_key: first letters of the syllables or words. */
  initials: ColumnType<string, never, never>;
  external_id: string | null;
  /** sha256 of the external id of an erased customer, so events for it stay refused. */
  erased_external_id_hash: string | null;
  birthday: string | null;
  gender: string | null;
  occupation: string | null;
  interests: Json<string[]>;
  family_notes: string | null;
  notes: string | null;
  preferred_channel: string | null;
  attributes: Json<Record<string, string | number | boolean>>;
  /** `api`, `import`, `event`. */
  source: string;
  merged_into: string | null;
  merged_at: Date | null;
  erased_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  version: Generated<number>;
}

export interface CustomerContactsTable {
  tenant_id: string;
  customer_id: string;
  kind: 'email' | 'phone';
  /** Normalised: emails lower-cased, phones digits (with a leading + kept). */
  value: string;
  label: string | null;
  is_primary: boolean;
  created_at: CreatedAt;
}

export interface CustomerTagsTable {
  tenant_id: string;
  customer_id: string;
  tag: string;
  created_at: CreatedAt;
}

export interface CustomerAttributeDefinitionsTable {
  tenant_id: string;
  key: string;
  label_zh: string;
  label_en: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'enum';
  options: Json<string[]>;
  created_at: CreatedAt;
}

export interface CustomerConsentsTable {
  tenant_id: string;
  customer_id: string;
  channel: string;
  status: 'granted' | 'withdrawn';
  at: Date;
  source: string;
}

/** Every consent change, appended (the current state is `customer_consents`). */
export interface CustomerConsentEventsTable {
  tenant_id: string;
  id: string;
  customer_id: string;
  channel: string;
  status: 'granted' | 'withdrawn';
  at: Date;
  source: string;
  recorded_at: CreatedAt;
}

export interface CustomerMembersTable {
  tenant_id: string;
  organization_id: string;
  person_id: string;
  role: string | null;
  title: string | null;
  created_at: CreatedAt;
}

export interface CustomersTables {
  customers: CustomersTable;
  customer_contacts: CustomerContactsTable;
  customer_tags: CustomerTagsTable;
  customer_attribute_definitions: CustomerAttributeDefinitionsTable;
  customer_consents: CustomerConsentsTable;
  customer_consent_events: CustomerConsentEventsTable;
  customer_members: CustomerMembersTable;
}
