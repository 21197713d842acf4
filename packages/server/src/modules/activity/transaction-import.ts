import { sql, type Kysely, type Transaction } from 'kysely';
import {
  ledgerEventIdPrefixes,
  timeBounds,
  type EventImportResult,
  type FieldErrorParams,
  type FieldErrorReason,
} from '@fidelis/contracts';
import { AppError, type FieldError } from '../../http/app-error.ts';
import { decodeCsv, type CsvEncodingOption } from '../../text/csv-encoding.ts';
import type { RequestContext } from '../../http/request-context.ts';
import { findTenant, recordAudit, type PlatformTables } from '../platform/index.ts';
import type { ActivityTables } from './activity.table.ts';
import { analyzeEvents } from './activity.repository.ts';
import type { ResolveCustomers } from './record-events.ts';

/** Loads CSV text into `table (columns)` with COPY (`DatabaseHandle.bulkTransaction` gives one). */
export type CopyCsv = (
  table: string,
  columns: readonly string[],
  csv: Uint8Array | string,
) => Promise<number>;

export interface TransactionImportOptions {
  /** `major`: 12.50 means 1250 minor units (two decimals); `minor`: integers as stored. */
  amountUnit: 'major' | 'minor';
  /** Import the valid events and report the others; default all or nothing. */
  skipInvalid: boolean;
  /**
   * Check everything and report what the valid events would do, beside the invalid ones; the
   * caller rolls the transaction back.
   */
  dryRun?: boolean | undefined;
  /** `auto` (the default): UTF-8 when the whole file is, else GB18030 (GBK, Chinese Excel). */
  encoding?: CsvEncodingOption | undefined;
  onProgress?: (
    phase: 'copy' | 'check' | 'customers' | 'insert',
    done: number,
    total: number,
  ) => void;
}

type Db = Transaction<ActivityTables & PlatformTables>;

export const importColumns = [
  'event_id',
  'customer_external_id',
  'customer_id',
  'occurred_at',
  'amount',
  'currency',
  'type',
  'refund_of',
  'sku',
  'category',
  'quantity',
  'channel',
  'store',
] as const;

const ROWS = 'activity_import_rows';
const CHECKED = 'activity_import_checked';
const EVENTS = 'activity_import_events';
const CUSTOMERS = 'activity_import_customers';
const CREATED = 'activity_import_created';
const MAX_ERRORS = 1000;
const CHUNK_BYTES = 4 * 1024 * 1024;

const longerThan = (maximum: number) =>
  ({
    message: `at most ${maximum} characters`,
    reason: 'too_big',
    params: { origin: 'string', maximum },
  }) as const;

/** What a row check reports, by the key the check stores in the row's `errors`. */
const rowChecks = {
  eventIdLong: { field: 'event_id', ...longerThan(200) },
  // As the API (`clientKey`): the loyalty ledger keeps ids of its own beside purchases' ids.
  eventIdReserved: {
    field: 'event_id',
    message: `must not begin with ${ledgerEventIdPrefixes.join(', ')}: the loyalty ledger's own ids`,
    reason: 'invalid_format',
    params: { format: 'client_key' },
  },
  type: {
    field: 'type',
    message: 'must be purchase or refund',
    reason: 'invalid_value',
    params: { options: 'purchase, refund' },
  },
  customerRef: {
    field: 'customer_external_id',
    message: 'give exactly one of customer_external_id and customer_id',
    reason: 'exactly_one_of',
    params: { fields: 'customer_external_id, customer_id' },
  },
  customerIdFormat: {
    field: 'customer_id',
    message: 'not a customer id (UUID)',
    reason: 'invalid_format',
    params: { format: 'uuid' },
  },
  customerExternalIdLong: { field: 'customer_external_id', ...longerThan(200) },
  occurredAtMissing: { field: 'occurred_at', message: 'required', reason: 'required' },
  occurredAtFormat: {
    field: 'occurred_at',
    message: 'not a date: use ISO 8601 or YYYYMMDD',
    reason: 'invalid_format',
    params: { format: 'date' },
  },
  // The span every instant of the API keeps to (`timeBounds`), here of the time in the tenant's zone.
  occurredAtEarly: {
    field: 'occurred_at',
    message: `must not be before ${timeBounds.earliest}`,
    reason: 'too_small',
    params: { origin: 'date', minimum: timeBounds.earliest },
  },
  occurredAtLate: {
    field: 'occurred_at',
    message: `must not be after ${timeBounds.latest}`,
    reason: 'too_big',
    params: { origin: 'date', maximum: timeBounds.latest },
  },
  amountMissing: { field: 'amount', message: 'required', reason: 'required' },
  amountMajor: {
    field: 'amount',
    message: 'not an amount in major units, e.g. 12.50 (never negative)',
    reason: 'invalid_format',
    params: { format: 'amount_major' },
  },
  amountMinor: {
    field: 'amount',
    message: 'not an amount in minor units, e.g. 1250 (never negative)',
    reason: 'invalid_format',
    params: { format: 'amount_minor' },
  },
  // As the API: a refund gives money back (a purchase may cost nothing, a free gift).
  refundZero: {
    field: 'amount',
    message: 'must be positive for a refund',
    reason: 'too_small',
    params: { origin: 'number', minimum: 0, bound: 'exclusive' },
  },
  currencyMissing: { field: 'currency', message: 'required', reason: 'required' },
  currencyFormat: {
    field: 'currency',
    message: 'not an ISO 4217 code, e.g. CNY',
    reason: 'invalid_format',
    params: { format: 'currency' },
  },
  refundOfMissing: { field: 'refund_of', message: 'required for a refund', reason: 'required' },
  refundOfOnlyRefunds: {
    field: 'refund_of',
    message: 'only for refunds',
    reason: 'only_for',
    params: { field: 'type', value: 'refund' },
  },
  skuOfRefund: {
    field: 'sku',
    message: 'refund lines are not imported; refund the amount, or send lines through the API',
    reason: 'only_for',
    params: { field: 'type', value: 'purchase' },
  },
  quantityNotInt: {
    field: 'quantity',
    message: 'a whole number of at least 1',
    reason: 'invalid_type',
    params: { expected: 'int' },
  },
  quantitySmall: {
    field: 'quantity',
    message: 'a whole number of at least 1',
    reason: 'too_small',
    params: { origin: 'number', minimum: 1 },
  },
  skuLong: { field: 'sku', ...longerThan(100) },
  categoryLong: { field: 'category', ...longerThan(100) },
  channelLong: { field: 'channel', ...longerThan(50) },
  storeLong: { field: 'store', ...longerThan(100) },
  rowsDisagree: {
    field: 'event_id',
    message:
      'the rows of this event disagree on type, customer, date, currency, refund_of, channel or store',
  },
} satisfies Record<string, Omit<FieldError, 'line'>>;
type RowCheck = keyof typeof rowChecks;

/** A row check's key as an SQL literal. */
const check = (key: RowCheck) => sql.lit(key);

/**
 * Imports historical transactions in one transaction: COPY the file into a staging table,
 * check it in SQL (every error with its line and field), create unknown customers by external
 * id set-based, then INSERT … SELECT … ON CONFLICT DO NOTHING. Re-importing the same file
 * records nothing new. Refunds are checked against their purchase (in the file or recorded).
 */
export async function importTransactions(
  trx: Db,
  copyCsv: CopyCsv,
  context: RequestContext,
  file: Uint8Array,
  options: TransactionImportOptions,
  resolveCustomers: ResolveCustomers,
): Promise<Omit<EventImportResult, 'customersCreated'>> {
  const tenantId = context.tenantId;
  const progress = options.onProgress ?? (() => {});
  const dryRun = options.dryRun ?? false;
  // A dry run reports every error, as skipping would.
  const skipInvalid = options.skipInvalid || dryRun;
  const { encoding, utf8: csv } = decodeTransactions(file, options.encoding ?? 'auto');
  const { columns, bodyStart } = readHeader(csv);
  const tenant = await findTenant(trx as unknown as Kysely<PlatformTables>, tenantId);
  const timeZone = tenant?.timeZone ?? 'UTC';

  await sql`
    create temp table ${sql.table(ROWS)} (
      line_no bigint generated by default as identity (start with 2),
      ${sql.join(
        importColumns.map((column) => sql`${sql.ref(column)} text`),
        sql`, `,
      )}
    ) on commit drop`.execute(trx);

  // 1. COPY, in chunks cut at line ends, for the progress bar.
  const body = csv.subarray(bodyStart);
  let rows = 0;
  let line = 2;
  for (const chunk of chunksAtLineEnds(body, CHUNK_BYTES)) {
    try {
      rows += await copyCsv(ROWS, columns, chunk.bytes);
    } catch (error) {
      throw copyError(error, line, chunk.bytes);
    }
    line += chunk.lines;
    progress('copy', chunk.end, body.length);
  }

  // 2. Check every row: parse what can be parsed, name what cannot. Nothing here can throw.
  progress('check', 0, 1);
  const amountRegex = options.amountUnit === 'major' ? '^\\d{1,13}(\\.\\d{1,2})?$' : '^\\d{1,15}$';
  const amountValue =
    options.amountUnit === 'major'
      ? sql`round(r.amount_text::numeric * 100)::bigint`
      : sql`r.amount_text::bigint`;
  await sql`
    create temp table ${sql.table(CHECKED)} on commit drop as
    with r as materialized (
      select line_no,
             nullif(trim(event_id), '') as event_id_text,
             nullif(trim(customer_external_id), '') as ext,
             nullif(trim(customer_id), '') as cid,
             nullif(trim(occurred_at), '') as at_text,
             nullif(trim(amount), '') as amount_text,
             upper(nullif(trim(currency), '')) as currency,
             coalesce(lower(nullif(trim(type), '')), 'purchase') as type,
             nullif(trim(refund_of), '') as refund_of,
             nullif(trim(sku), '') as sku,
             nullif(trim(category), '') as category,
             coalesce(nullif(trim(quantity), ''), '1') as quantity_text,
             nullif(trim(channel), '') as channel,
             nullif(trim(store), '') as store
        from ${sql.table(ROWS)}
    ), parsed as materialized (
      select r.*,
             case
               -- (year 0000 does not exist: make_date would throw)
               when r.at_text ~ '^\\d{8}$' and substr(r.at_text, 1, 4) <> '0000' then
                 case when substr(r.at_text, 5, 2)::int between 1 and 12
                       and substr(r.at_text, 7, 2)::int between 1 and extract(day from
                         make_date(substr(r.at_text, 1, 4)::int, substr(r.at_text, 5, 2)::int, 1)
                         + interval '1 month - 1 day')
                      then (substr(r.at_text, 1, 4) || '-' || substr(r.at_text, 5, 2) || '-'
                            || substr(r.at_text, 7, 2))::timestamp at time zone ${timeZone}
                 end
               when r.at_text ~ '^[12]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])([T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,6})?)?(Z|[+-](0\\d|1[0-4])(:?[0-5]\\d)?)?)?$' then
                 case when substr(r.at_text, 9, 2)::int <= extract(day from
                         make_date(substr(r.at_text, 1, 4)::int, substr(r.at_text, 6, 2)::int, 1)
                         + interval '1 month - 1 day')
                      then case when length(r.at_text) > 10 and r.at_text ~ '(Z|[+-]\\d{2}(:?\\d{2})?)$'
                                 and r.at_text ~ '[T ]'
                                then r.at_text::timestamptz
                                else r.at_text::timestamp at time zone ${timeZone} end
                 end
             end as occurred_at,
             case when r.amount_text ~ ${amountRegex} then ${amountValue} end as amount_minor,
             case when r.quantity_text ~ '^\\d{1,6}$' then r.quantity_text::int end as quantity
        from r
    )
    select p.*,
           coalesce(p.event_id_text,
             'csv-' || md5(concat_ws('|', p.ext, p.cid, p.at_text, p.amount_text, p.currency, p.type,
               p.refund_of, p.sku, p.category, p.quantity_text, p.channel, p.store, p.line_no))) as id,
           array_remove(array[
             case when p.event_id_text is not null and length(p.event_id_text) > 200
                  then ${check('eventIdLong')}
                  when ${sql.join(
                    ledgerEventIdPrefixes.map(
                      (prefix) => sql`starts_with(p.event_id_text, ${sql.lit(prefix)})`,
                    ),
                    sql` or `,
                  )}
                  then ${check('eventIdReserved')} end,
             case when p.type not in ('purchase', 'refund') then ${check('type')} end,
             case when p.type = 'purchase' and (p.ext is null) = (p.cid is null)
                  then ${check('customerRef')} end,
             case when p.type = 'purchase' and p.cid is not null
                   and p.cid !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                  then ${check('customerIdFormat')} end,
             case when p.ext is not null and length(p.ext) > 200
                  then ${check('customerExternalIdLong')} end,
             case when p.at_text is null then ${check('occurredAtMissing')}
                  when p.occurred_at is null then ${check('occurredAtFormat')}
                  when p.occurred_at < ${timeBounds.earliest}::timestamptz
                    then ${check('occurredAtEarly')}
                  when p.occurred_at > ${timeBounds.latest}::timestamptz
                    then ${check('occurredAtLate')} end,
             case when p.amount_text is null then ${check('amountMissing')}
                  when p.amount_minor is null then ${
                    options.amountUnit === 'major' ? check('amountMajor') : check('amountMinor')
                  }
                  when p.type = 'refund' and p.amount_minor = 0 then ${check('refundZero')} end,
             case when p.currency is null then ${check('currencyMissing')}
                  when p.currency !~ '^[A-Z]{3}$' then ${check('currencyFormat')} end,
             case when p.type = 'refund' and p.refund_of is null then ${check('refundOfMissing')} end,
             case when p.type = 'purchase' and p.refund_of is not null
                  then ${check('refundOfOnlyRefunds')} end,
             case when p.type = 'refund' and p.sku is not null then ${check('skuOfRefund')} end,
             case when p.quantity is null then ${check('quantityNotInt')}
                  when p.type = 'purchase' and p.quantity < 1 then ${check('quantitySmall')} end,
             case when length(p.sku) > 100 then ${check('skuLong')} end,
             case when length(p.category) > 100 then ${check('categoryLong')} end,
             case when length(p.channel) > 50 then ${check('channelLong')} end,
             case when length(p.store) > 100 then ${check('storeLong')} end
           ], null) as errors
      from parsed p`.execute(trx);

  await sql`analyze ${sql.table(CHECKED)}`.execute(trx);
  // Rows of one event must agree on everything but their line.
  await sql`
    update ${sql.table(CHECKED)} c
       set errors = c.errors || array[${check('rowsDisagree')}]
     where c.id in (
       select id from ${sql.table(CHECKED)} group by id
       having count(distinct (type, coalesce(ext, ''), coalesce(cid, ''), occurred_at, currency,
                              coalesce(refund_of, ''), coalesce(channel, ''), coalesce(store, ''))) > 1)`.execute(
    trx,
  );
  const errors: FieldError[] = await collectErrors(trx);
  if (errors.length > 0 && !skipInvalid) throw importInvalid(errors);

  progress('check', 1, 1);

  // 3. Customers: create unknown external ids and resolve the rest, in one call.
  const refs = await sql<{ ext: string | null; cid: string | null }>`
    select distinct ext, cid from ${sql.table(CHECKED)}
     where type = 'purchase' and cardinality(errors) = 0`.execute(trx);
  progress('customers', 0, refs.rows.length);
  const ids = await resolveCustomers(
    refs.rows.map((ref) =>
      ref.cid !== null ? { customerId: ref.cid } : { customerExternalId: ref.ext ?? '' },
    ),
  );
  const mapped: string[] = [];
  refs.rows.forEach((ref, i) => {
    const id = ids[i];
    if (id) mapped.push(csvLine([ref.cid !== null ? 'id' : 'ext', ref.cid ?? ref.ext ?? '', id]));
  });
  progress('customers', refs.rows.length, refs.rows.length);
  await sql`
    create temp table ${sql.table(CUSTOMERS)} (kind text, ref text, customer_id uuid,
      primary key (kind, ref)) on commit drop`.execute(trx);
  if (mapped.length > 0) await copyCsv(CUSTOMERS, ['kind', 'ref', 'customer_id'], mapped.join(''));
  await sql`analyze ${sql.table(CUSTOMERS)}`.execute(trx);

  // One row per event, with its customer and whether its id is already recorded (same content:
  // a duplicate; other content: an error). Equi-joins only: an OR would be a nested loop.
  await sql`
    create temp table ${sql.table(EVENTS)} on commit drop as
    with g as (
      select id, min(line_no) as first_line, min(type) as type, min(ext) as ext, min(cid) as cid,
             min(occurred_at) as occurred_at, min(currency) as currency, min(refund_of) as refund_of,
             min(channel) as channel, min(store) as store, sum(amount_minor)::bigint as amount,
             'csv:' || md5(string_agg(concat_ws('|', type, ext, cid, extract(epoch from occurred_at),
               currency, refund_of, channel, store, sku, category, quantity, amount_minor), '#'
               order by line_no)) as request_hash
        from ${sql.table(CHECKED)}
       where id not in (select id from ${sql.table(CHECKED)} where cardinality(errors) > 0)
       group by id
    )
    select g.*,
           case when g.type = 'purchase' then coalesce(me.customer_id, mi.customer_id) end as customer_id,
           coalesce(x.request_hash = g.request_hash, false) as duplicate,
           case when x.request_hash <> g.request_hash then 'event_id' end as error_field,
           case when x.request_hash <> g.request_hash
                then 'this event id was recorded before with different content' end as error_message,
           case when x.request_hash <> g.request_hash then 'reused' end as error_reason,
           null::jsonb as error_params
      from g
      left join ${sql.table(CUSTOMERS)} me on me.kind = 'ext' and me.ref = g.ext and g.cid is null
      left join ${sql.table(CUSTOMERS)} mi on mi.kind = 'id' and mi.ref = g.cid
      left join events x on x.tenant_id = ${tenantId} and x.id = g.id`.execute(trx);
  await sql`create index on ${sql.table(EVENTS)} (id)`.execute(trx);
  await sql`analyze ${sql.table(EVENTS)}`.execute(trx);

  // 4. Refunds: lock the recorded purchases, take customer and currency from the purchase,
  // and keep every purchase's refunds (recorded + in the file) within its amount.
  progress('insert', 0, 1);
  await sql`
    select 1 from events
     where tenant_id = ${tenantId} and id in (select refund_of from ${sql.table(EVENTS)} where type = 'refund')
     order by id for update`.execute(trx);
  await sql`
    with purchases as (
      select id, customer_id, currency, amount, occurred_at from events
       where tenant_id = ${tenantId} and type = 'purchase'
         and id in (select refund_of from ${sql.table(EVENTS)} where type = 'refund')
      union all
      select id, customer_id, currency, amount, occurred_at from ${sql.table(EVENTS)}
       where type = 'purchase' and error_field is null
         and id in (select refund_of from ${sql.table(EVENTS)} where type = 'refund')
         and not exists (select 1 from events x where x.tenant_id = ${tenantId} and x.id = ${sql.table(EVENTS)}.id)
    ), recorded_refunds as (
      select refund_of, -sum(amount) as amount from events
       where tenant_id = ${tenantId} and type = 'refund'
         and refund_of in (select refund_of from ${sql.table(EVENTS)} where type = 'refund')
       group by refund_of
    ), file_refunds as (
      select refund_of, sum(amount) as amount from ${sql.table(EVENTS)}
       where type = 'refund' and not duplicate and error_field is null
       group by refund_of
    )
    update ${sql.table(EVENTS)} e
       set customer_id = p.customer_id,
           error_field = case
             when p.id is null then 'refund_of'
             when p.currency <> e.currency then 'currency'
             when e.occurred_at < p.occurred_at then 'occurred_at'
             when coalesce(rr.amount, 0) + fr.amount > p.amount then 'amount' end,
           error_message = case
             when p.id is null then 'no purchase ' || e.refund_of || ' in the file or recorded'
             when p.currency <> e.currency then 'the purchase was in ' || p.currency
             when e.occurred_at < p.occurred_at then 'a refund cannot precede its purchase'
             when coalesce(rr.amount, 0) + fr.amount > p.amount then
               'refunds of ' || e.refund_of || ' would total ' || (coalesce(rr.amount, 0) + fr.amount)
               || ' ' || p.currency || ' (minor units), more than its ' || p.amount || '; '
               || greatest(p.amount - coalesce(rr.amount, 0), 0) || ' ' || p.currency
               || ' left to refund' end,
           error_reason = case
             when p.id is null then 'not_found'
             when p.currency <> e.currency then 'must_equal'
             when e.occurred_at < p.occurred_at then 'must_be_after'
             when coalesce(rr.amount, 0) + fr.amount > p.amount then 'too_big' end,
           error_params = case
             when p.id is not null and p.currency <> e.currency
             then jsonb_build_object('expected', p.currency)
             when e.occurred_at < p.occurred_at then jsonb_build_object('other', 'refund_of')
             when coalesce(rr.amount, 0) + fr.amount > p.amount
             then jsonb_build_object('origin', 'number',
                    'maximum', greatest(p.amount - coalesce(rr.amount, 0), 0)) end
      from ${sql.table(EVENTS)} e2
      left join purchases p on p.id = e2.refund_of
      left join recorded_refunds rr on rr.refund_of = e2.refund_of
      left join file_refunds fr on fr.refund_of = e2.refund_of
     where e.id = e2.id and e.type = 'refund' and not e.duplicate and e.error_field is null`.execute(
    trx,
  );
  await sql`
    update ${sql.table(EVENTS)}
       set error_field = 'customer_id', error_message = 'no such customer in this tenant',
           error_reason = 'not_found'
     where type = 'purchase' and customer_id is null and error_field is null`.execute(trx);
  // error_reason holds only the reasons written above.
  const eventErrors = await sql<{
    line: number;
    field: string;
    message: string;
    reason: FieldErrorReason | null;
    params: FieldErrorParams | null;
  }>`
    select first_line::int as line, error_field as field, error_message as message,
           error_reason as reason, error_params as params
      from ${sql.table(EVENTS)} where error_field is not null
     order by first_line limit ${MAX_ERRORS}`.execute(trx);
  for (const { reason, params, ...error } of eventErrors.rows)
    errors.push({ ...error, ...(reason ? { reason } : {}), ...(params ? { params } : {}) });
  if (errors.length > 0 && !skipInvalid) throw importInvalid(errors);

  // 5. Insert what is new; a refund whose purchase was skipped is skipped with it.
  if (skipInvalid) {
    await sql`
      delete from ${sql.table(EVENTS)} e where error_field is not null
         or (type = 'refund' and not exists (select 1 from events x where x.tenant_id = ${tenantId} and x.id = e.refund_of)
             and not exists (select 1 from ${sql.table(EVENTS)} f where f.id = e.refund_of and f.error_field is null))`.execute(
      trx,
    );
  }
  await sql`create temp table ${sql.table(CREATED)} (id text primary key) on commit drop`.execute(
    trx,
  );
  await sql`
    with inserted as (
      insert into events (tenant_id, id, type, customer_id, occurred_at, currency, amount, channel,
                          store, refund_of, payload, request_hash)
      select ${tenantId}, id, type, customer_id, occurred_at, currency,
             case when type = 'refund' then -amount else amount end, channel, store, refund_of,
             '{}', request_hash
        from ${sql.table(EVENTS)}
       where not duplicate and error_field is null
       order by type = 'refund', first_line
      on conflict do nothing
      returning id
    )
    insert into ${sql.table(CREATED)} select id from inserted`.execute(trx);
  await sql`
    insert into event_lines (tenant_id, event_id, line_no, sku, category, quantity, amount)
    select ${tenantId}, c.id, row_number() over (partition by c.id order by c.line_no), c.sku,
           c.category, c.quantity, c.amount_minor
      from ${sql.table(CHECKED)} c
      join ${sql.table(CREATED)} n on n.id = c.id
     where c.sku is not null`.execute(trx);
  const counts = await sql<{ events: number; created: number; duplicates: number }>`
    select (select count(distinct id) from ${sql.table(CHECKED)})::int as events,
           (select count(*) from ${sql.table(CREATED)})::int as created,
           (select count(*) from ${sql.table(EVENTS)} where duplicate)::int as duplicates`.execute(
    trx,
  );
  const summary = counts.rows[0]!;
  // Planner statistics of a table that just grew a lot (autovacuum comes later).
  if (summary.created >= 10_000) await analyzeEvents(trx as unknown as Kysely<ActivityTables>);
  progress('insert', 1, 1);
  await recordAudit(trx as unknown as Kysely<PlatformTables>, context, {
    action: 'events.imported',
    entityType: 'event',
    entityId: null,
    after: {
      rows,
      created: summary.created,
      duplicates: summary.duplicates,
      errors: errors.length,
    },
  });
  return {
    dryRun,
    encoding,
    rows,
    events: summary.events,
    created: summary.created,
    duplicates: summary.duplicates,
    errors: errors.map((error) => ({ ...error, line: error.line ?? 0 })),
  };
}

async function collectErrors(trx: Db): Promise<FieldError[]> {
  const { rows } = await sql<{ line: number; error: RowCheck }>`
    select line_no::int as line, unnest(errors) as error
      from ${sql.table(CHECKED)} where cardinality(errors) > 0
     order by line_no limit ${MAX_ERRORS}`.execute(trx);
  return rows.map((row) => ({ line: row.line, ...rowChecks[row.error] }));
}

function importInvalid(errors: FieldError[]): AppError {
  const first = errors[0];
  return new AppError(
    'IMPORT_INVALID',
    `The file has ${errors.length}${errors.length >= MAX_ERRORS ? '+' : ''} errors` +
      (first ? ` (first: line ${first.line}, ${first.field}: ${first.message})` : '') +
      '; nothing was imported.',
    errors,
  );
}

/**
 * The file as UTF-8 for COPY, read in the encoding asked for or detected; a file that is not
 * text in it is refused with the line of its first bad byte (never COPY's own words).
 */
export function decodeTransactions(
  file: Uint8Array,
  option: CsvEncodingOption,
): { encoding: 'utf8' | 'gb18030'; utf8: Uint8Array } {
  const decoded = decodeCsv(file, option);
  if (!decoded.ok) {
    const { line, encoding } = decoded;
    const named = encoding === 'utf8' ? 'UTF-8' : 'GBK/GB18030';
    const message = `not ${named} text from this line on; save the file as "CSV UTF-8"`;
    throw new AppError(
      'IMPORT_INVALID',
      `Line ${line} cannot be read: ${message}; nothing was imported.`,
      [{ line, field: '(row)', message, reason: 'malformed', params: { encoding } }],
    );
  }
  // A file that is UTF-8 already goes to COPY as it came.
  const utf8 = decoded.encoding === 'utf8' ? file : new TextEncoder().encode(decoded.text);
  return { encoding: decoded.encoding, utf8 };
}

/** The header line: which staging columns the file's columns go to. */
export function readHeader(csv: Uint8Array): { columns: string[]; bodyStart: number } {
  let end = csv.indexOf(10);
  if (end < 0) end = csv.length;
  let text = new TextDecoder().decode(csv.subarray(0, end));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r$/, '');
  const columns = text.split(',').map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase());
  const errors: FieldError[] = [];
  const known = new Set<string>(importColumns);
  const seen = new Set<string>();
  for (const column of columns) {
    if (!known.has(column)) {
      errors.push({
        line: 1,
        field: column || '(empty)',
        message: `unknown column; use ${importColumns.join(', ')}`,
        reason: 'unknown_column',
        params: { options: importColumns.join(', ') },
      });
    } else if (seen.has(column))
      errors.push({ line: 1, field: column, message: 'column given twice', reason: 'duplicate' });
    seen.add(column);
  }
  for (const required of ['occurred_at', 'amount', 'currency']) {
    if (!seen.has(required))
      errors.push({
        line: 1,
        field: required,
        message: 'required column missing',
        reason: 'column_missing',
      });
  }
  if (!seen.has('customer_external_id') && !seen.has('customer_id') && !seen.has('refund_of')) {
    errors.push({
      line: 1,
      field: 'customer_external_id',
      message: 'give a customer_external_id or customer_id column',
      reason: 'column_missing',
      params: { options: 'customer_external_id, customer_id' },
    });
  }
  if (errors.length > 0) throw importInvalid(errors);
  return { columns, bodyStart: Math.min(end + 1, csv.length) };
}

/** Splits CSV bytes into chunks of about `size` that end at a line end outside quotes. */
export function* chunksAtLineEnds(
  bytes: Uint8Array,
  size: number,
): Generator<{ bytes: Uint8Array; end: number; lines: number }> {
  let start = 0;
  while (start < bytes.length) {
    let inQuotes = false;
    let lines = 0;
    let end = bytes.length;
    for (let i = start; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 34) inQuotes = !inQuotes;
      else if (byte === 10 && !inQuotes) {
        lines++;
        if (i + 1 - start >= size) {
          end = i + 1;
          break;
        }
      }
    }
    yield { bytes: bytes.subarray(start, end), end, lines };
    start = end;
  }
}

/**
 * Where a quoted field that never closes began, in lines from the start of `bytes` (0 for its
 * first line), or null when every quote closes. PostgreSQL names the line it gave up on, the
 * end of the input; the operator needs the line of the stray quote.
 */
export function unclosedQuoteLine(bytes: Uint8Array): number | null {
  let inQuotes = false;
  let lineNo = 0;
  let recordStart = 0;
  for (const byte of bytes) {
    if (byte === 34) inQuotes = !inQuotes;
    else if (byte === 10) {
      lineNo++;
      if (!inQuotes) recordStart = lineNo;
    }
  }
  return inQuotes ? recordStart : null;
}

function copyError(error: unknown, firstLine: number, bytes: Uint8Array): AppError {
  const where = (error as { where?: string }).where ?? '';
  const message = (error as Error).message ?? String(error);
  const unclosed = /unterminated CSV quoted field/.test(message) ? unclosedQuoteLine(bytes) : null;
  const match = /line (\d+)/.exec(where) ?? /line (\d+)/.exec(message);
  const line =
    unclosed !== null ? firstLine + unclosed : match ? firstLine + Number(match[1]) - 1 : firstLine;
  const why = unclosed !== null ? 'a quoted field opens here and never closes' : message;
  return new AppError(
    'IMPORT_INVALID',
    `Line ${line} cannot be read: ${why}; nothing was imported.`,
    [{ line, field: '(row)', message: why, reason: 'malformed' }],
  );
}

function csvLine(values: readonly string[]): string {
  return `${values.map((value) => `"${value.replaceAll('"', '""')}"`).join(',')}\n`;
}
