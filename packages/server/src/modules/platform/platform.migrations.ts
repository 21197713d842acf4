import { sql, type Kysely, type Migration } from 'kysely';
import { nameKeys } from '../../text/name-keys.ts';

export const platformMigrations: Record<string, Migration> = {
  '0001_platform_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table tenants (
          tenant_id uuid primary key,
          name text not null,
          currency char(3) not null default 'CNY',
          time_zone text not null default 'Asia/Shanghai',
          is_demo boolean not null default false,
          created_at timestamptz not null default now()
        );
        create table users (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          email text not null,
          name text not null,
          role text not null check (role in ('owner', 'manager', 'agent', 'analyst', 'viewer')),
          locale text not null default 'zh-CN',
          password_hash text not null,
          created_at timestamptz not null default now(),
          disabled_at timestamptz,
          primary key (tenant_id, id)
        );
        create unique index users_email on users (tenant_id, lower(email));
        create index users_email_lookup on users (lower(email));
        create table api_keys (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          name text not null,
          role text not null,
          prefix text not null,
          key_hash text not null,
          partner_id uuid,
          created_at timestamptz not null default now(),
          last_used_at timestamptz,
          revoked_at timestamptz,
          primary key (tenant_id, id)
        );
        create table sessions (
          tenant_id uuid not null,
          id text not null,
          user_id uuid not null,
          csrf_token text not null,
          created_at timestamptz not null default now(),
          expires_at timestamptz not null,
          primary key (tenant_id, id),
          foreign key (tenant_id, user_id) references users (tenant_id, id)
        );
        create table audit_log (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          at timestamptz not null default now(),
          actor_type text not null,
          actor_id text,
          action text not null,
          entity_type text not null,
          entity_id text,
          before jsonb,
          after jsonb,
          request_id text,
          primary key (tenant_id, id)
        );
        create index audit_log_entity on audit_log (tenant_id, entity_type, entity_id, at desc);
        create table idempotency_keys (
          tenant_id uuid not null references tenants (tenant_id),
          scope text not null,
          key text not null,
          request_hash text not null,
          status_code int not null,
          response jsonb not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, scope, key)
        );
        create table jobs (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          kind text not null,
          status text not null default 'queued'
            check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
          payload jsonb not null default '{}',
          progress int not null default 0,
          progress_total int,
          message text,
          result jsonb,
          error text,
          attempts int not null default 0,
          run_at timestamptz not null default now(),
          locked_by text,
          locked_until timestamptz,
          created_at timestamptz not null default now(),
          finished_at timestamptz,
          primary key (tenant_id, id)
        );
        create index jobs_runnable on jobs (run_at) where status in ('queued', 'running');
      `.execute(db);
    },
  },
  '0002_jobs_dedupe_key': {
    // A periodic job is queued once per period, however many processes schedule it.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table jobs add column dedupe_key text;
        create unique index jobs_dedupe_key on jobs (tenant_id, dedupe_key);
      `.execute(db);
    },
  },
  '0003_jobs_newest_first': {
    // GET /v1/jobs pages a tenant's jobs newest first, by kind and status if asked.
    async up(db: Kysely<unknown>) {
      await sql`
        create index jobs_newest on jobs (tenant_id, created_at desc, id desc);
      `.execute(db);
    },
  },
  '0004_audit_log_newest_and_by_actor': {
    // GET /v1/audit-log pages newest first, of one actor if asked, without sorting the
    // tenant's whole log (an import of 23,570 customers writes 23,570 entries).
    async up(db: Kysely<unknown>) {
      await sql`
        create index audit_log_newest on audit_log (tenant_id, at desc, id desc);
        create index audit_log_actor on audit_log (tenant_id, actor_type, actor_id, at desc);
      `.execute(db);
    },
  },
  '0005_users_by_name_api_keys_newest': {
    // GET /v1/users pages by name and GET /v1/api-keys newest first: a chain's hundreds of
    // staff and keys are not sorted whole for every page.
    async up(db: Kysely<unknown>) {
      await sql`
        create index users_by_name on users (tenant_id, (lower(name) collate "C"), id);
        create index api_keys_newest on api_keys (tenant_id, created_at desc, id desc);
      `.execute(db);
    },
  },
  '0006_jobs_error_code': {
    // A job that fails in a way its caller expects (a score run with nothing to score) says so
    // by a stable code and its facts, beside the English `error`: the web words it by the code.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table jobs add column error_code text;
        alter table jobs add column error_params jsonb;
      `.execute(db);
    },
  },
  '0007_users_by_pinyin': {
    // GET /v1/users lists and searches names by their pinyin, as the customers list does
    // (张伟 as zhang wei, between 王芳 and zoe; found by zhangwei or zw). SQL cannot compute
    // pinyin, so the keys of the users already there are computed here. Re-runnable.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table users
          add column if not exists name_sort_key text collate "C" not null default '',
          add column if not exists name_search_text text not null default '';
      `.execute(db);
      await fillUserNameKeys(db);
      // No default: a user written without its keys fails, instead of sorting first unseen.
      await sql`
        alter table users alter column name_sort_key drop default;
        alter table users alter column name_search_text drop default;
        drop index if exists users_by_name;
        create index if not exists users_by_name_sort_key on users (tenant_id, name_sort_key, id);
      `.execute(db);
    },
  },
};

/** Every user's name keys, computed from their name a batch at a time (keyset by tenant, id). */
async function fillUserNameKeys(db: Kysely<unknown>): Promise<void> {
  const batch = 500;
  let after: { tenant_id: string; id: string } | undefined;
  for (;;) {
    const { rows } = await sql<{ tenant_id: string; id: string; name: string }>`
      select tenant_id, id, name from users
       where ${after ? sql`(tenant_id, id) > (${after.tenant_id}::uuid, ${after.id}::uuid)` : sql`true`}
       order by tenant_id, id
       limit ${batch}`.execute(db);
    if (rows.length === 0) return;
    const keys = rows.map(({ tenant_id, id, name }) => {
      const { sortKey, searchText } = nameKeys(name, 'person');
      return { tenant_id, id, sort_key: sortKey, search_text: searchText };
    });
    await sql`
      update users u
         set name_sort_key = k.sort_key, name_search_text = k.search_text
        from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb)
          as k(tenant_id uuid, id uuid, sort_key text, search_text text)
       where u.tenant_id = k.tenant_id and u.id = k.id`.execute(db);
    if (rows.length < batch) return;
    after = rows.at(-1);
  }
}
