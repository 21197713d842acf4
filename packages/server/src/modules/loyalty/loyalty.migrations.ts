import { sql, type Kysely, type Migration } from 'kysely';

export const loyaltyMigrations: Record<string, Migration> = {
  '0300_loyalty_ledger': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table loyalty_programs (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          name text not null,
          currency char(3) not null,
          time_zone text not null,
          status text not null check (status in ('active', 'paused')),
          pending_days int not null default 0,
          expiry jsonb not null,
          expiry_warning_days int not null default 30,
          refund_policy text not null check (refund_policy in ('negative', 'clawback')),
          tiers jsonb,
          point_value_minor numeric not null default 1,
          rules_version int not null,
          member_page_secret text not null,
          created_at timestamptz not null default now(),
          updated_at timestamptz not null default now(),
          primary key (tenant_id, id)
        );
        create table loyalty_rule_versions (
          tenant_id uuid not null,
          program_id uuid not null,
          version int not null,
          rules jsonb not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, program_id, version),
          foreign key (tenant_id, program_id) references loyalty_programs (tenant_id, id)
        );
        create table loyalty_members (
          tenant_id uuid not null,
          program_id uuid not null,
          customer_id uuid not null,
          enrolled_at timestamptz not null,
          available bigint not null default 0,
          pending bigint not null default 0 check (pending >= 0),
          debt bigint not null default 0 check (debt >= 0),
          lifetime_earned bigint not null default 0,
          lifetime_redeemed bigint not null default 0,
          lifetime_expired bigint not null default 0,
          tier_code text,
          tier_since timestamptz,
          tier_review_at timestamptz,
          tier_grace_until timestamptz,
          tier_base_code text,
          last_activity_at timestamptz,
          primary key (tenant_id, program_id, customer_id),
          foreign key (tenant_id, program_id) references loyalty_programs (tenant_id, id)
        );
        create index loyalty_members_review on loyalty_members (tenant_id, program_id, tier_review_at)
          where tier_review_at is not null;
        create table loyalty_lots (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          event_id text,
          source text not null,
          points bigint not null check (points >= 0),
          remaining bigint not null check (remaining >= 0 and remaining <= points),
          status text not null check (status in ('pending', 'available', 'closed')),
          earned_at timestamptz not null,
          available_at timestamptz not null,
          expires_at timestamptz,
          spend bigint not null default 0,
          refunded_spend bigint not null default 0,
          reversed_points bigint not null default 0 check (reversed_points <= points),
          lines jsonb not null default '[]',
          rule_usage jsonb not null default '[]',
          primary key (tenant_id, program_id, id),
          foreign key (tenant_id, program_id, customer_id)
            references loyalty_members (tenant_id, program_id, customer_id)
        );
        create unique index loyalty_lots_event on loyalty_lots (tenant_id, program_id, event_id);
        create index loyalty_lots_member on loyalty_lots (tenant_id, program_id, customer_id, earned_at);
        create index loyalty_lots_pending on loyalty_lots (tenant_id, program_id, available_at)
          where status = 'pending';
        create index loyalty_lots_expiring on loyalty_lots (tenant_id, program_id, expires_at)
          where status <> 'closed' and expires_at is not null;
        create table loyalty_redemptions (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          idempotency_key text not null,
          request_hash text not null,
          points bigint not null check (points > 0),
          reward_id uuid,
          response jsonb,
          created_at timestamptz not null,
          primary key (tenant_id, program_id, id),
          unique (tenant_id, program_id, idempotency_key),
          foreign key (tenant_id, program_id, customer_id)
            references loyalty_members (tenant_id, program_id, customer_id)
        );
        create index loyalty_redemptions_reward on loyalty_redemptions (tenant_id, program_id, reward_id, customer_id);
        create table loyalty_entries (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          at timestamptz not null,
          kind text not null,
          debit_account text not null,
          credit_account text not null check (credit_account <> debit_account),
          points bigint not null check (points > 0),
          lot_id uuid,
          event_id text,
          redemption_id uuid,
          partner_id uuid,
          explanation jsonb not null default '{}',
          primary key (tenant_id, program_id, id),
          foreign key (tenant_id, program_id, customer_id)
            references loyalty_members (tenant_id, program_id, customer_id),
          foreign key (tenant_id, program_id, lot_id) references loyalty_lots (tenant_id, program_id, id),
          foreign key (tenant_id, program_id, redemption_id)
            references loyalty_redemptions (tenant_id, program_id, id)
        );
        create index loyalty_entries_member on loyalty_entries (tenant_id, program_id, customer_id, at, id);
        create index loyalty_entries_program_at on loyalty_entries (tenant_id, program_id, at);
        -- The ledger is append-only: corrections are new entries, never edits.
        create function loyalty_entries_append_only() returns trigger language plpgsql as $$
        begin
          raise exception 'loyalty_entries is append-only';
        end $$;
        create trigger loyalty_entries_no_change before update or delete on loyalty_entries
          for each row execute function loyalty_entries_append_only();
        create table loyalty_refunds (
          tenant_id uuid not null,
          program_id uuid not null,
          refund_event_id text not null,
          lot_id uuid not null,
          customer_id uuid not null,
          amount bigint not null,
          points bigint not null,
          at timestamptz not null,
          primary key (tenant_id, program_id, refund_event_id),
          foreign key (tenant_id, program_id, lot_id) references loyalty_lots (tenant_id, program_id, id)
        );
        create table loyalty_rule_usage (
          tenant_id uuid not null,
          program_id uuid not null,
          rule_id text not null,
          customer_id uuid not null,
          period_key text not null,
          points bigint not null,
          primary key (tenant_id, program_id, rule_id, customer_id, period_key)
        );
        create table loyalty_rewards (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          name text not null,
          description text,
          points_cost bigint not null check (points_cost > 0),
          stock bigint check (stock >= 0),
          per_member_limit int,
          tiers jsonb,
          valid_from timestamptz,
          valid_to timestamptz,
          active boolean not null default true,
          created_at timestamptz not null default now(),
          primary key (tenant_id, program_id, id),
          foreign key (tenant_id, program_id) references loyalty_programs (tenant_id, id)
        );
        create table loyalty_tier_changes (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          at timestamptz not null,
          kind text not null,
          from_code text,
          to_code text,
          reason text not null,
          event_id text,
          primary key (tenant_id, program_id, id)
        );
        create index loyalty_tier_changes_member on loyalty_tier_changes (tenant_id, program_id, customer_id, at);
        create table loyalty_expiry_warnings (
          tenant_id uuid not null,
          program_id uuid not null,
          lot_id uuid not null,
          customer_id uuid not null,
          points bigint not null,
          expires_at timestamptz not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, program_id, lot_id)
        );
      `.execute(db);
    },
  },
  '0301_loyalty_entries_without_lot_keys': {
    // Foreign keys from entries to lots and redemptions cost a lookup per entry, and their
    // cached plans go bad while a fresh table grows (a sequential scan per row). Entries
    // reference lots the same transaction wrote under the member lock; the ledger check proves
    // the rest.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table loyalty_entries drop constraint loyalty_entries_tenant_id_program_id_lot_id_fkey;
        alter table loyalty_entries drop constraint loyalty_entries_tenant_id_program_id_redemption_id_fkey;
        alter table loyalty_refunds drop constraint loyalty_refunds_tenant_id_program_id_lot_id_fkey;
        create index loyalty_entries_lot on loyalty_entries (tenant_id, program_id, lot_id)
          where lot_id is not null;
      `.execute(db);
    },
  },
  '0302_loyalty_referrals': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table loyalty_programs add column referral jsonb;
        create table loyalty_referral_codes (
          tenant_id uuid not null,
          program_id uuid not null,
          code text not null,
          customer_id uuid not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, program_id, code),
          unique (tenant_id, program_id, customer_id),
          foreign key (tenant_id, program_id) references loyalty_programs (tenant_id, id)
        );
        create table loyalty_referrals (
          tenant_id uuid not null,
          program_id uuid not null,
          referee_id uuid not null,
          referrer_id uuid not null check (referrer_id <> referee_id),
          code text not null,
          status text not null check (status in ('pending', 'rewarded')),
          qualifying_event_id text,
          created_at timestamptz not null default now(),
          primary key (tenant_id, program_id, referee_id),
          foreign key (tenant_id, program_id, code)
            references loyalty_referral_codes (tenant_id, program_id, code)
        );
        create index loyalty_referrals_event on loyalty_referrals (tenant_id, program_id, qualifying_event_id)
          where qualifying_event_id is not null;
      `.execute(db);
    },
  },
  '0303_loyalty_coupons': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table loyalty_coupons (
          tenant_id uuid not null,
          program_id uuid not null,
          code text not null,
          reward_id uuid not null,
          status text not null default 'available' check (status in ('available', 'issued', 'used')),
          customer_id uuid,
          redemption_id uuid,
          issued_at timestamptz,
          used_at timestamptz,
          expires_at timestamptz,
          primary key (tenant_id, program_id, code),
          foreign key (tenant_id, program_id, reward_id)
            references loyalty_rewards (tenant_id, program_id, id)
        );
        create index loyalty_coupons_pool on loyalty_coupons (tenant_id, program_id, reward_id, code)
          where status = 'available';
      `.execute(db);
    },
  },
  '0304_loyalty_partners': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table loyalty_partners (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          name text not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, program_id, id),
          foreign key (tenant_id, program_id) references loyalty_programs (tenant_id, id)
        );
        create index loyalty_entries_partner on loyalty_entries (tenant_id, program_id, partner_id, at)
          where partner_id is not null;
      `.execute(db);
    },
  },
  '0305_loyalty_wallet': {
    async up(db: Kysely<unknown>) {
      await sql`
        alter table loyalty_programs add column cashback jsonb;
        alter table loyalty_members add column wallet_balance bigint not null default 0;
        alter table loyalty_lots add column cashback bigint not null default 0;
        create table loyalty_wallet_entries (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          at timestamptz not null,
          kind text not null check (kind in ('cashback', 'reverse', 'spend')),
          debit_account text not null,
          credit_account text not null check (credit_account <> debit_account),
          amount bigint not null check (amount > 0),
          event_id text,
          idempotency_key text,
          request_hash text,
          explanation jsonb not null default '{}',
          primary key (tenant_id, program_id, id),
          foreign key (tenant_id, program_id, customer_id)
            references loyalty_members (tenant_id, program_id, customer_id)
        );
        create unique index loyalty_wallet_once on loyalty_wallet_entries (tenant_id, program_id, kind, event_id)
          where event_id is not null;
        create unique index loyalty_wallet_key on loyalty_wallet_entries (tenant_id, program_id, idempotency_key)
          where idempotency_key is not null;
        create index loyalty_wallet_member on loyalty_wallet_entries (tenant_id, program_id, customer_id, at);
        create trigger loyalty_wallet_no_change before update or delete on loyalty_wallet_entries
          for each row execute function loyalty_entries_append_only();
      `.execute(db);
    },
  },
  '0306_loyalty_notifications': {
    // The outbox of messages to members (points about to expire), for whatever delivers them.
    async up(db: Kysely<unknown>) {
      await sql`
        create table loyalty_notifications (
          tenant_id uuid not null,
          program_id uuid not null,
          id uuid not null,
          customer_id uuid not null,
          kind text not null check (kind in ('points_expiring')),
          points bigint not null check (points > 0),
          expires_at timestamptz not null,
          channel text,
          status text not null check (status in ('pending', 'sent', 'suppressed')),
          created_at timestamptz not null default now(),
          sent_at timestamptz,
          primary key (tenant_id, id),
          foreign key (tenant_id, program_id, customer_id)
            references loyalty_members (tenant_id, program_id, customer_id)
        );
        create index loyalty_notifications_status on loyalty_notifications (tenant_id, status, id);
        create index loyalty_notifications_member
          on loyalty_notifications (tenant_id, program_id, customer_id);
        alter table loyalty_expiry_warnings add column notification_id uuid;
        create index loyalty_expiry_warnings_unnotified on loyalty_expiry_warnings (tenant_id, program_id)
          where notification_id is null;
      `.execute(db);
    },
  },
  '0307_loyalty_member_merges': {
    // A merged customer's membership stays as a closed tombstone pointing at the survivor,
    // which took its points, lots and wallet through `merge` entries.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table loyalty_members add column merged_into uuid;
        create index loyalty_members_merged_into on loyalty_members (tenant_id, program_id, merged_into)
          where merged_into is not null;
        alter table loyalty_wallet_entries drop constraint loyalty_wallet_entries_kind_check;
        alter table loyalty_wallet_entries add constraint loyalty_wallet_entries_kind_check
          check (kind in ('cashback', 'reverse', 'spend', 'merge'));
      `.execute(db);
    },
  },
  '0308_loyalty_coupons_member': {
    // A member's coupons, newest first, for the public member page (and a merge's move).
    async up(db: Kysely<unknown>) {
      await sql`
        create index loyalty_coupons_member
          on loyalty_coupons (tenant_id, program_id, customer_id, issued_at, code)
          where customer_id is not null;
      `.execute(db);
    },
  },
  '0309_loyalty_ledger_without_member_keys': {
    // Lots, entries and redemptions are written only by the ledger, in the transaction that
    // holds their member's row lock (FOR UPDATE) or updates that row in the same statement;
    // members are never deleted. The foreign keys locked the member row again, once per row
    // (FOR KEY SHARE): 15 ms of a 1,000-purchase batch's ~57 ms ledger statement. The ledger
    // check (`POST …/ledger-check`) lists rows whose member does not exist instead.
    async up(db: Kysely<unknown>) {
      await sql`
        alter table loyalty_lots drop constraint loyalty_lots_tenant_id_program_id_customer_id_fkey;
        alter table loyalty_entries
          drop constraint loyalty_entries_tenant_id_program_id_customer_id_fkey;
        alter table loyalty_redemptions
          drop constraint loyalty_redemptions_tenant_id_program_id_customer_id_fkey;
      `.execute(db);
    },
  },
  '0310_loyalty_lots_expiring_by_id': {
    // Expiry takes due lots in (expires_at, id) order, a chunk at a time. When many lots share
    // an expiry instant (points that all expire at the end of a period), an index without id
    // made every chunk sort all of them: 1,000,000 such lots, 4.4 s per chunk of 20,000.
    async up(db: Kysely<unknown>) {
      await sql`
        drop index loyalty_lots_expiring;
        create index loyalty_lots_expiring on loyalty_lots (tenant_id, program_id, expires_at, id)
          where status <> 'closed' and expires_at is not null;
      `.execute(db);
    },
  },
  '0311_loyalty_members_fillfactor': {
    // Every purchase, refund and redemption updates its member's row (balances, last activity),
    // none of it indexed. With room left on the row's page the new version stays there (a HOT
    // update): no new entry in the members' key, and the page's dead versions are pruned as it
    // is read. Full pages made nine updates in ten move the row and index it again. New pages
    // keep the room; existing ones gain it as they fill and empty.
    async up(db: Kysely<unknown>) {
      await sql`alter table loyalty_members set (fillfactor = 70)`.execute(db);
    },
  },
  '0312_loyalty_tier_changes_why': {
    // Why a tier changed as numbers (metric, value, threshold …) so every language can word
    // it; `reason` keeps the English. Rows before it have none.
    async up(db: Kysely<unknown>) {
      await sql`alter table loyalty_tier_changes add column why jsonb`.execute(db);
    },
  },
  '0313_loyalty_entries_erasable_notes': {
    // The ledger stays append-only, with one exception erasure needs (PIPL art. 47, GDPR
    // art. 17): the free-text note staff wrote on a points adjustment may name the person, so
    // erasing the customer removes it. The trigger lets through an update that changes nothing
    // but taking `note` out of the explanation: points, accounts, lots and times never change.
    async up(db: Kysely<unknown>) {
      await sql`
        create or replace function loyalty_entries_append_only() returns trigger language plpgsql as $$
        begin
          if tg_op = 'UPDATE'
            and (to_jsonb(new) - 'explanation') = (to_jsonb(old) - 'explanation')
            and old.explanation ? 'note'
            and new.explanation = old.explanation - 'note' then
            return new;
          end if;
          raise exception 'loyalty_entries is append-only';
        end $$
      `.execute(db);
    },
  },
  '0314_loyalty_coupons_code_upper': {
    // Codes are looked up whatever their case (a cashier types `qa01-abcd`). Codes given
    // since are stored upper-cased, but a business's own codes stored before may be in any
    // case, and two of them may differ only by case: upper-casing them here could collide
    // and fail the upgrade. So they stay as they are, and lookups compare upper(code) on this
    // index (not unique, for the same reason; new codes cannot collide by case: see
    // `insertCoupons`).
    async up(db: Kysely<unknown>) {
      await sql`
        create index loyalty_coupons_code_upper
          on loyalty_coupons (tenant_id, program_id, upper(code))
      `.execute(db);
    },
  },
};
