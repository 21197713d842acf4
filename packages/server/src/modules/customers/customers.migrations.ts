import { sql, type Kysely, type Migration } from 'kysely';

export const customersMigrations: Record<string, Migration> = {
  '0100_customers_core': {
    async up(db: Kysely<unknown>) {
      await sql`
        create extension if not exists pg_trgm;
        create table customers (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          kind text not null check (kind in ('person', 'organization')),
          name text not null,
          sort_key text collate "C" not null,
          search_text text not null,
          external_id text,
          erased_external_id_hash text,
          birthday date,
          gender text,
          occupation text,
          interests jsonb not null default '[]',
          family_notes text,
          notes text,
          preferred_channel text,
          attributes jsonb not null default '{}',
          source text not null default 'api',
          merged_into uuid,
          merged_at timestamptz,
          erased_at timestamptz,
          created_at timestamptz not null default date_trunc('milliseconds', now()),
          updated_at timestamptz not null default date_trunc('milliseconds', now()),
          version int not null default 1,
          primary key (tenant_id, id),
          unique (tenant_id, external_id),
          foreign key (tenant_id, merged_into) references customers (tenant_id, id)
        );
        create index customers_sort on customers (tenant_id, sort_key, id);
        create index customers_created on customers (tenant_id, created_at, id);
        create index customers_merged_into on customers (tenant_id, merged_into)
          where merged_into is not null;
        create index customers_erased_external on customers (tenant_id, erased_external_id_hash)
          where erased_external_id_hash is not null;
        create index customers_search_trgm on customers using gin (search_text gin_trgm_ops);
        create index customers_attributes on customers using gin (attributes jsonb_path_ops);
        create index customers_external_pattern on customers (tenant_id, external_id text_pattern_ops);

        create table customer_contacts (
          tenant_id uuid not null,
          customer_id uuid not null,
          kind text not null check (kind in ('email', 'phone')),
          value text not null,
          label text,
          is_primary boolean not null default false,
          created_at timestamptz not null default now(),
          primary key (tenant_id, customer_id, kind, value),
          foreign key (tenant_id, customer_id) references customers (tenant_id, id)
        );
        create index customer_contacts_value
          on customer_contacts (tenant_id, kind, value text_pattern_ops);
        create unique index customer_contacts_one_primary
          on customer_contacts (tenant_id, customer_id, kind) where is_primary;

        create table customer_tags (
          tenant_id uuid not null,
          customer_id uuid not null,
          tag text not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, customer_id, tag),
          foreign key (tenant_id, customer_id) references customers (tenant_id, id)
        );
        create index customer_tags_tag on customer_tags (tenant_id, tag, customer_id);

        create table customer_attribute_definitions (
          tenant_id uuid not null references tenants (tenant_id),
          key text not null,
          label_zh text not null,
          label_en text not null,
          type text not null check (type in ('string', 'number', 'boolean', 'date', 'enum')),
          options jsonb not null default '[]',
          created_at timestamptz not null default now(),
          primary key (tenant_id, key)
        );

        create table customer_consents (
          tenant_id uuid not null,
          customer_id uuid not null,
          channel text not null,
          status text not null check (status in ('granted', 'withdrawn')),
          at timestamptz not null,
          source text not null,
          primary key (tenant_id, customer_id, channel),
          foreign key (tenant_id, customer_id) references customers (tenant_id, id)
        );
        create table customer_consent_events (
          tenant_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          channel text not null,
          status text not null check (status in ('granted', 'withdrawn')),
          at timestamptz not null,
          source text not null,
          recorded_at timestamptz not null default now(),
          primary key (tenant_id, id),
          foreign key (tenant_id, customer_id) references customers (tenant_id, id)
        );
        create index customer_consent_events_customer
          on customer_consent_events (tenant_id, customer_id, recorded_at);

        create table customer_members (
          tenant_id uuid not null,
          organization_id uuid not null,
          person_id uuid not null,
          role text,
          title text,
          created_at timestamptz not null default now(),
          primary key (tenant_id, organization_id, person_id),
          foreign key (tenant_id, organization_id) references customers (tenant_id, id),
          foreign key (tenant_id, person_id) references customers (tenant_id, id)
        );
        create index customer_members_person on customer_members (tenant_id, person_id);
      `.execute(db);
    },
  },
  '0101_customers_initials': {
    async up(db: Kysely<unknown>) {
      // Initials (`zs` for 张三, `as` for Alice Smith) from the sort key, for one- and
      // two-letter searches that trigrams cannot serve.
      await sql`
        alter table customers add column initials text collate "C"
          generated always as (
            regexp_replace(split_part(sort_key, E'\\t', 1), '(\\S)\\S*\\s*', '\\1', 'g')
          ) stored;
        create index customers_initials on customers (tenant_id, initials);
      `.execute(db);
    },
  },
  '0102_customers_consent_not_in_future': {
    async up(db: Kysely<unknown>) {
      // Before consent decisions dated in the future were refused (a future grant outlived
      // every later withdrawal, as the state keeps the latest decision by date), some may have
      // been stored: date each at its recording and re-derive the state of the channels they
      // touched from their history (the statement's parts see the rows as they were, so the
      // history is read with the same correction).
      const corrected = sql`
        case when e.at > e.recorded_at + interval '15 minutes' then e.recorded_at else e.at end`;
      await sql`
        with moved as (
          update customer_consent_events
             set at = recorded_at
           where at > recorded_at + interval '15 minutes'
          returning tenant_id, customer_id, channel
        ),
        -- A merged customer's decisions count for its survivor (merged_into names the last one).
        touched as (
          select distinct m.tenant_id, coalesce(x.merged_into, x.id) as customer_id, m.channel
            from moved m
            join customers x on x.tenant_id = m.tenant_id and x.id = m.customer_id
        ),
        latest as (
          select distinct on (t.tenant_id, t.customer_id, t.channel)
                 t.tenant_id, t.customer_id, t.channel, e.status, ${corrected} as at, e.source
            from touched t
            join customers x
              on x.tenant_id = t.tenant_id and coalesce(x.merged_into, x.id) = t.customer_id
            join customer_consent_events e
              on e.tenant_id = x.tenant_id and e.customer_id = x.id and e.channel = t.channel
           order by t.tenant_id, t.customer_id, t.channel, ${corrected} desc, e.recorded_at desc
        )
        update customer_consents c
           set status = latest.status, at = latest.at, source = latest.source
          from latest
         where c.tenant_id = latest.tenant_id and c.customer_id = latest.customer_id
           and c.channel = latest.channel
      `.execute(db);
    },
  },
};
