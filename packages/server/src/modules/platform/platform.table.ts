import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface TenantsTable {
  tenant_id: string;
  name: string;
  currency: string;
  time_zone: string;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  email: string;
  name: string;
  role: string;
  locale: string;
  password_hash: string;
  created_at: CreatedAt;
  disabled_at: Date | null;
  /** `C`-collated: the name's pinyin or lower-cased letters (`nameKeys`), as customers sort. */
  name_sort_key: string;
  /** The lower-cased name, its pinyin and initials (`nameKeys`), searched by `q`. */
  name_search_text: string;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: string;
  name: string;
  role: string;
  prefix: string;
  key_hash: string;
  /** Set for keys that belong to a loyalty partner organisation. */
  partner_id: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface SessionsTable {
  tenant_id: string;
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface AuditLogTable {
  tenant_id: string;
  id: string;
  at: CreatedAt;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, string | null>;
  after: ColumnType<unknown, string | null, string | null>;
  request_id: string | null;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  scope: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
}

export interface JobsTable {
  tenant_id: string;
  id: string;
  kind: string;
  status: ColumnType<string, string | undefined, string>;
  payload: JSONColumnType<Record<string, unknown>, string, string>;
  progress: ColumnType<number, number | undefined, number>;
  progress_total: number | null;
  message: string | null;
  result: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_by: string | null;
  locked_until: Date | null;
  created_at: CreatedAt;
  finished_at: Date | null;
  /** Unique per tenant when set: a periodic job's period (`kind:period`). */
  dedupe_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** A failed job's stable code, when the failure is an expected one (migration 0006). */
  error_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** The facts of that failure, e.g. { asOf }. */
  error_params: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
}

export interface PlatformTables {
  tenants: TenantsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
}
