import { sql, type Kysely, type Migration } from 'kysely';

export const scoresMigrations: Record<string, Migration> = {
  '0400_scores': {
    async up(db: Kysely<unknown>) {
      await sql`
        create table score_runs (
          tenant_id uuid not null references tenants (tenant_id),
          id uuid not null,
          job_id uuid,
          computed_at timestamptz not null default now(),
          as_of date not null,
          currency char(3) not null,
          horizon_weeks int not null,
          annual_discount_rate double precision not null,
          margin double precision not null,
          customers int not null,
          purchases bigint not null,
          models jsonb not null,
          durations_ms jsonb not null,
          warnings jsonb not null,
          rfm_grid jsonb not null,
          cohorts jsonb not null,
          concentration jsonb not null,
          tracking jsonb not null,
          primary key (tenant_id, id)
        );
        create index score_runs_latest on score_runs (tenant_id, computed_at desc);
        create table customer_scores (
          tenant_id uuid not null references tenants (tenant_id),
          customer_id uuid not null,
          run_id uuid not null,
          computed_at timestamptz not null,
          recency_score smallint not null,
          frequency_score smallint not null,
          monetary_score smallint not null,
          fm_score smallint not null,
          segment text not null,
          frequency int not null,
          recency_weeks double precision not null,
          age_weeks double precision not null,
          purchases int not null,
          total_spend bigint not null,
          monetary bigint not null,
          last_purchase_on date not null,
          p_alive double precision,
          expected_purchases double precision,
          expected_spend bigint,
          clv bigint,
          value_at_risk bigint,
          churn_risk text check (churn_risk in ('low', 'medium', 'high')),
          primary key (tenant_id, customer_id),
          foreign key (tenant_id, run_id) references score_runs (tenant_id, id)
        );
        create index customer_scores_by_clv on customer_scores (tenant_id, (coalesce(clv, -1)) desc, customer_id desc);
        create index customer_scores_by_p_alive on customer_scores (tenant_id, (coalesce(p_alive, -1)) desc, customer_id desc);
        create index customer_scores_by_value_at_risk on customer_scores (tenant_id, value_at_risk desc nulls last);
        create table score_schedules (
          tenant_id uuid not null references tenants (tenant_id),
          kind text not null,
          scheduled_for date not null,
          created_at timestamptz not null default now(),
          primary key (tenant_id, kind, scheduled_for)
        );
      `.execute(db);
    },
  },
  // Run warnings become { code, message, detail? } (the API's ScoreRunWarning): the sentences
  // stored before are read back into codes by how they begin, once, here. The beginnings are
  // the ones score-population.ts wrote then, copied rather than imported so later changes to
  // the words there cannot change what this migration did. A sentence matching none keeps its
  // words as the message under the code `unrecognised`. Runs only over rows holding sentences.
  '0401_score_run_warning_codes': {
    async up(db: Kysely<unknown>) {
      await sql`
        with kinds (prefix, code) as (
          values
            ('BG/NBD not fitted', 'bgnbd_not_fitted'),
            ('BG/NBD fit did not converge', 'bgnbd_not_converged'),
            ('Gamma-Gamma not fitted', 'gamma_gamma_not_fitted'),
            ('Customers not scored', 'customers_not_scored'),
            ('No tracking curve', 'no_tracking_curve'),
            ('No concentration', 'no_concentration')
        )
        update score_runs r
        set warnings = (
          select coalesce(
            jsonb_agg(
              case
                when jsonb_typeof(e.warning) <> 'string' then e.warning
                else jsonb_strip_nulls(
                  jsonb_build_object(
                    'code', coalesce(k.code, 'unrecognised'),
                    'message', e.warning #>> '{}',
                    'detail', nullif(
                      btrim(ltrim(substr(e.warning #>> '{}', length(k.prefix) + 1), ':')),
                      ''
                    )
                  )
                )
              end
              order by e.n
            ),
            '[]'::jsonb
          )
          from jsonb_array_elements(r.warnings) with ordinality as e (warning, n)
          left join lateral (
            select kinds.prefix, kinds.code from kinds
            where left(e.warning #>> '{}', length(kinds.prefix)) = kinds.prefix
            limit 1
          ) k on true
        )
        where jsonb_typeof(r.warnings) = 'array'
          and exists (
            select from jsonb_array_elements(r.warnings) w (warning)
            where jsonb_typeof(w.warning) = 'string'
          );
      `.execute(db);
    },
  },
};
