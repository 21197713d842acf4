import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { sql, type Kysely } from 'kysely';
import { newId } from '../../db/ids.ts';
import { anyOf } from '../../db/sql-lists.ts';
import type { CustomerImportReport, FieldErrorReason } from '@fidelis/contracts';
import { AppError, type FieldError } from '../../http/app-error.ts';
import { resolveCsvEncoding } from '../../text/csv-encoding.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { CopyCsv, DatabaseHandle } from '../../db/connect.ts';
import { recordAudit, type PlatformTables } from '../platform/index.ts';
import type { CustomersTables } from './customers.table.ts';
import * as repo from './customers.repository.ts';
import type { AttributeRule } from './customer-fields.ts';
import {
  isImportField,
  mapColumns,
  validateRow,
  type ImportRow,
  type RowError,
} from './import-rows.ts';

export interface ImportOptions {
  mode: 'all-or-nothing' | 'skip-invalid';
  encoding: 'auto' | 'utf8' | 'gbk';
  dryRun: boolean;
  mapping: Record<string, string> | undefined;
  /** Rows read so far (`parsing`), then rows written (`writing`). */
  onProgress?: ((rows: number, phase: 'parsing' | 'writing') => void) | undefined;
  /** Refuse bodies larger than this many bytes. */
  maxBytes?: number | undefined;
}

const MAX_REPORTED_ERRORS = 1000;
const BATCH_ROWS = 5000;
const DETECT_BYTES = 64 * 1024;

/** A field error's reason as an SQL literal, for the row checks made in SQL. */
const reason = (value: FieldErrorReason) => sql.lit(value);

/** Reads the import's query options: `mapping` JSON and/or repeated `map=column:field`. */
export function parseImportOptions(query: {
  mode: ImportOptions['mode'];
  encoding: ImportOptions['encoding'];
  dryRun: 'true' | 'false';
  mapping?: string | undefined;
  map?: string | string[] | undefined;
}): ImportOptions {
  const errors: FieldError[] = [];
  let mapping: Record<string, string> | undefined;
  if (query.mapping !== undefined) {
    try {
      const parsed = JSON.parse(query.mapping) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('object');
      mapping = {};
      for (const [column, field] of Object.entries(parsed)) {
        if (typeof field === 'string') mapping[column] = field;
        else
          errors.push({
            field: `query.mapping.${column}`,
            message: 'expected a field name',
            reason: 'invalid_type',
            params: { expected: 'string' },
          });
      }
    } catch {
      errors.push({
        field: 'query.mapping',
        message: 'expected a JSON object {"column": "field"}',
        reason: 'invalid_format',
        params: { format: 'json_object' },
      });
    }
  }
  for (const entry of query.map === undefined ? [] : [query.map].flat()) {
    const at = entry.lastIndexOf(':');
    if (at <= 0) {
      errors.push({
        field: 'query.map',
        message: `${entry}: use csvColumn:field`,
        reason: 'invalid_format',
        params: { format: 'column_field' },
      });
      continue;
    }
    mapping = { ...mapping, [entry.slice(0, at)]: entry.slice(at + 1) };
  }
  for (const [column, field] of Object.entries(mapping ?? {})) {
    if (!isImportField(field)) {
      errors.push({
        field: `query.mapping.${column}`,
        message: `${field} is not a customer field`,
        reason: 'invalid_value',
      });
    }
  }
  if (errors.length > 0)
    throw new AppError('VALIDATION_FAILED', 'The import options are not valid.', errors);
  return { mode: query.mode, encoding: query.encoding, dryRun: query.dryRun === 'true', mapping };
}

/**
 * Decodes the body to text: UTF-8 (BOM or not), or GB18030 (a superset of GBK, what Chinese
 * Excel writes). `auto` picks UTF-8 when the first 64 KiB are valid UTF-8.
 */
async function* decodeBody(
  body: AsyncIterable<Buffer | string>,
  encoding: ImportOptions['encoding'],
  maxBytes: number,
  chosen: (encoding: 'utf8' | 'gb18030') => void,
): AsyncGenerator<string> {
  const head: Buffer[] = [];
  let headBytes = 0;
  let total = 0;
  const iterator = body[Symbol.asyncIterator]();
  const count = (chunk: Buffer) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `The file is larger than ${maxBytes} bytes.`);
    }
    return chunk;
  };
  let done = false;
  while (headBytes < DETECT_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = count(typeof next.value === 'string' ? Buffer.from(next.value) : next.value);
    head.push(chunk);
    headBytes += chunk.length;
  }
  const start = Buffer.concat(head);
  const resolved = resolveCsvEncoding(encoding, start);
  chosen(resolved);
  if (resolved === 'utf8') {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const decode = (chunk: Uint8Array, stream: boolean) => {
      try {
        return decoder.decode(chunk, { stream });
      } catch {
        throw new AppError('IMPORT_INVALID', 'The file is not valid UTF-8; try encoding=gbk.', [
          { field: 'encoding', message: 'invalid UTF-8', reason: 'malformed' },
        ]);
      }
    };
    yield decode(start, true);
    while (!done) {
      const next = await iterator.next();
      if (next.done) break;
      yield decode(
        count(typeof next.value === 'string' ? Buffer.from(next.value) : next.value),
        true,
      );
    }
    yield decode(new Uint8Array(), false);
    return;
  }
  const decoder = iconv.getDecoder('gb18030');
  yield decoder.write(start);
  while (!done) {
    const next = await iterator.next();
    if (next.done) break;
    yield decoder.write(
      count(typeof next.value === 'string' ? Buffer.from(next.value) : next.value),
    );
  }
  yield decoder.end() ?? '';
}

/** One CSV field as COPY … (FORMAT csv) reads it: unquoted empty is NULL. */
function copyField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

const stagingColumns = [
  'line',
  'id',
  'external_id',
  'kind',
  'name',
  'sort_key',
  'name_search',
  'email',
  'phone',
  'birthday',
  'gender',
  'occupation',
  'interests',
  'family_notes',
  'notes',
  'preferred_channel',
  'tags',
  'attributes',
] as const;

function stagingLine(row: ImportRow): string {
  return [
    row.line,
    newId(),
    row.externalId,
    row.kind,
    row.name,
    row.sortKey,
    row.nameSearch,
    row.email,
    row.phone,
    row.birthday,
    row.gender,
    row.occupation,
    row.interests ? JSON.stringify(row.interests) : null,
    row.familyNotes,
    row.notes,
    row.preferredChannel,
    // Tags never contain the unit separator: it joins them for string_to_array.
    row.tags ? row.tags.join('\u001f') : null,
    row.attributes ? JSON.stringify(row.attributes) : null,
  ]
    .map(copyField)
    .join(',');
}

class DryRunRollback extends Error {
  constructor(readonly report: CustomerImportReport) {
    super('dry run');
  }
}

function isReadable(body: unknown): body is AsyncIterable<Buffer | string> {
  return !!body && typeof body === 'object' && Symbol.asyncIterator in body;
}

/**
 * Imports customers from CSV in one transaction: stream-parse, validate every row, COPY the
 * valid rows into a temporary staging table, check what needs the database (erased or unknown
 * external ids, repeats), then update existing customers by external id and insert the rest,
 * set-based. All-or-nothing: any invalid row rolls everything back and the errors come back
 * as 422 IMPORT_INVALID with their CSV line and field.
 */
export async function importCustomers(
  database: Pick<DatabaseHandle, 'bulkTransaction'>,
  context: RequestContext,
  body: unknown,
  options: ImportOptions,
): Promise<CustomerImportReport> {
  // No body at all; a JSON `null` is a body of the wrong type (415 below), not a missing one.
  if (body === undefined) {
    throw new AppError('VALIDATION_FAILED', 'Send the CSV file as the request body.', [
      { field: '(body)', message: 'required', reason: 'required' },
    ]);
  }
  if (!isReadable(body)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the CSV with content-type: text/csv.');
  }
  const tenantId = context.tenantId;
  try {
    return await database.bulkTransaction(async (trx, copyCsv) => {
      // A transaction over the whole database, used through this module's tables only.
      const db = trx as unknown as Kysely<CustomersTables & PlatformTables>;
      const report = await runImport(db, copyCsv, tenantId, body, options);
      if (report.errorCount > 0 && options.mode === 'all-or-nothing' && !options.dryRun) {
        throw new AppError(
          'IMPORT_INVALID',
          `${report.errorCount} row error(s); nothing was imported.`,
          report.errors,
        );
      }
      if (options.dryRun) throw new DryRunRollback(report);
      await recordAudit(db, context, {
        action: 'customer.import',
        entityType: 'customer',
        entityId: null,
        after: {
          rows: report.rows,
          created: report.created,
          updated: report.updated,
          skipped: report.skipped,
          mode: report.mode,
        },
      });
      return report;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    if ((error as { code?: string }).code === '23505') {
      throw new AppError(
        'CONFLICT',
        'Another import or request created the same customers; retry.',
      );
    }
    throw error;
  }
}

async function runImport(
  trx: Kysely<CustomersTables & PlatformTables>,
  copyCsv: CopyCsv,
  tenantId: string,
  body: AsyncIterable<Buffer | string>,
  options: ImportOptions,
): Promise<CustomerImportReport> {
  // Locked until the import commits, before any customer (see lockedAttributeRules in
  // customers.service.ts): no definition is deleted or loses an option under the import.
  const definitions = await repo.listAttributeDefinitions(trx, tenantId, { keyShare: true });
  const rules = new Map<string, AttributeRule>(
    definitions.map((row) => [row.key, { key: row.key, type: row.type, options: row.options }]),
  );
  let encoding: 'utf8' | 'gb18030' = 'utf8';
  const text = decodeBody(
    body,
    options.encoding,
    options.maxBytes ?? 512 * 1024 * 1024,
    (chosen) => {
      encoding = chosen;
    },
  );
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true });
  // pipeline (not pipe) so a decoding error ends the parse instead of leaving it waiting.
  let upstreamError: unknown;
  pipeline(Readable.from(text), parser, (error) => {
    if (error) upstreamError = error;
  });
  const errors: RowError[] = [];
  let errorCount = 0;
  const addError = (error: RowError) => {
    errorCount++;
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(error);
  };
  const invalidLines = new Set<number>();
  let fields: ReturnType<typeof mapColumns>['fields'] | undefined;
  let columns: Record<string, string> = {};
  let rows = 0;
  let staged = 0;
  let batch: string[] = [];

  await sql`
    create temp table customer_import_rows (
      line int not null, id uuid not null, external_id text, kind text not null, name text,
      sort_key text collate "C", name_search text, email text, phone text, birthday date,
      gender text, occupation text, interests jsonb, family_notes text, notes text,
      preferred_channel text, tags text, attributes jsonb, target uuid,
      created boolean not null default false, changed boolean not null default false
    ) on commit drop`.execute(trx);
  const flush = async () => {
    if (batch.length === 0) return;
    // Valid rows are staged even after an error, so the database checks report on them too.
    staged += await copyCsv('customer_import_rows', stagingColumns, `${batch.join('\n')}\n`);
    options.onProgress?.(staged, 'writing');
    batch = [];
  };

  // The line the last record read ended on: a row that cannot be read starts after it (the
  // parser reports where it gave up, lines later when an unmatched quote swallowed them).
  let lastLine = 0;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const { record, info } = item;
      lastLine = info.lines;
      if (!fields) {
        const mapped = mapColumns(
          record,
          options.mapping,
          definitions.map((d) => ({
            key: d.key,
            labelZh: d.label_zh,
            labelEn: d.label_en,
          })),
        );
        if (mapped.errors.length > 0) {
          throw new AppError(
            'IMPORT_INVALID',
            'The column mapping does not fit the file.',
            mapped.errors.map((error) => ({ ...error, line: info.lines })),
          );
        }
        fields = mapped.fields;
        columns = Object.fromEntries(
          record.flatMap((header, index) =>
            mapped.fields[index] ? [[header, mapped.fields[index]]] : [],
          ),
        );
        if (!Object.values(columns).some((field) => field === 'name' || field === 'externalId')) {
          throw new AppError('IMPORT_INVALID', 'The file has no name or external id column.', [
            {
              line: info.lines,
              field: 'name',
              message: 'no column maps to name (姓名) or externalId',
              reason: 'column_missing',
              params: { options: 'name, externalId' },
            },
          ]);
        }
        continue;
      }
      rows++;
      const checked = validateRow(info.lines, record, fields, rules);
      if (checked.ok) batch.push(stagingLine(checked.row));
      else {
        checked.errors.forEach(addError);
        invalidLines.add(info.lines);
      }
      if (batch.length >= BATCH_ROWS) await flush();
      if (rows % 10_000 === 0) options.onProgress?.(rows, 'parsing');
    }
  } catch (caught) {
    const error = upstreamError ?? caught;
    if (error instanceof AppError) throw error;
    const csvError = error as {
      code?: string;
      lines?: number;
      records?: number;
      empty_lines?: number;
      message?: string;
    };
    if (csvError.code?.startsWith('CSV_')) {
      throw new AppError('IMPORT_INVALID', `The CSV is malformed: ${csvError.message ?? ''}`, [
        {
          // The line after the last good record (read by us, or counted by the parser when
          // its error overtook the records it had parsed), never after where it gave up.
          line: Math.min(
            csvError.lines ?? Number.MAX_SAFE_INTEGER,
            Math.max(lastLine, (csvError.records ?? 0) + (csvError.empty_lines ?? 0)) + 1,
          ),
          field: '(row)',
          message: csvError.message ?? 'malformed CSV',
          reason: 'malformed',
        },
      ]);
    }
    throw error;
  }
  if (upstreamError) throw upstreamError;
  await flush();
  options.onProgress?.(rows, 'parsing');
  if (!fields) {
    throw new AppError('IMPORT_INVALID', 'The file is empty.', [
      { line: 1, field: '(file)', message: 'no header row', reason: 'required' },
    ]);
  }

  const report = (created: number, updated: number): CustomerImportReport => ({
    dryRun: options.dryRun,
    mode: options.mode,
    encoding,
    columns,
    rows,
    created,
    updated,
    unchanged: Math.max(0, rows - invalidLines.size - created - updated),
    skipped: options.mode === 'skip-invalid' ? invalidLines.size : 0,
    errorCount,
    errors: [...errors].sort((a, b) => a.line - b.line),
  });

  // Checks that need the database, as row errors too.
  await sql`create index on customer_import_rows (external_id)`.execute(trx);
  await sql`analyze customer_import_rows`.execute(trx);
  await sql`
    update customer_import_rows s set target = coalesce(c.merged_into, c.id)
    from customers c
    where c.tenant_id = ${tenantId} and c.external_id = s.external_id`.execute(trx);
  const problems = await sql<{
    line: number;
    field: string;
    message: string;
    reason: FieldErrorReason;
  }>`
    select s.line, 'externalId' as field,
           'repeats the external id of line ' || min(t.line) as message,
           ${reason('duplicate')} as reason
    from customer_import_rows s
    join customer_import_rows t on t.external_id = s.external_id and t.line < s.line
    group by s.line
    union all
    select s.line, 'externalId', 'this customer was erased; it cannot be imported again',
           ${reason('invalid')}
    from customer_import_rows s
    where s.target is null and s.external_id is not null and exists (
      select 1 from customers c
      where c.tenant_id = ${tenantId}
        and c.erased_external_id_hash = encode(sha256(convert_to(s.external_id, 'UTF8')), 'hex'))
    union all
    select s.line, 'name', 'required: no customer has this external id yet',
           ${reason('required')}
    from customer_import_rows s
    where s.target is null and s.name is null
    union all
    select s.line, 'externalId', 'the customer with this external id was erased',
           ${reason('invalid')}
    from customer_import_rows s
    join customers c on c.tenant_id = ${tenantId} and c.id = s.target
    where c.erased_at is not null
    order by 1`.execute(trx);
  for (const problem of problems.rows) {
    addError(problem);
    invalidLines.add(problem.line);
  }
  // A dry run goes on with the valid rows (it is rolled back): it says what they would do.
  if (options.mode === 'all-or-nothing' && errorCount > 0 && !options.dryRun) return report(0, 0);
  if (problems.rows.length > 0) {
    const lines = problems.rows.map((p) => p.line);
    await sql`delete from customer_import_rows where line = ${anyOf(lines, 'int')}`.execute(trx);
  }

  const now = new Date();
  const created = await sql`
    insert into customers (tenant_id, id, kind, name, sort_key, search_text, external_id,
      birthday, gender, occupation, interests, family_notes, notes, preferred_channel,
      attributes, source, created_at, updated_at)
    select ${tenantId}, s.id, s.kind, s.name, s.sort_key,
      s.name_search || coalesce(' ' || lower(s.external_id), ''), s.external_id,
      s.birthday, s.gender, s.occupation, coalesce(s.interests, '[]'::jsonb), s.family_notes,
      s.notes, s.preferred_channel, coalesce(s.attributes, '{}'::jsonb), 'import', ${now}, ${now}
    from customer_import_rows s
    where s.target is null
    order by s.line`.execute(trx);
  await sql`
    update customer_import_rows set target = id, created = true where target is null`.execute(trx);
  // Contacts and tags first, marking the existing customers they change.
  for (const kind of ['email', 'phone'] as const) {
    const column = sql.ref(`s.${kind}`);
    // The file's contact becomes the primary one; earlier ones stay as secondary.
    await sql`
      with cleared as (
        update customer_contacts p set is_primary = false
        from customer_import_rows s
        where p.tenant_id = ${tenantId} and p.customer_id = s.target and p.kind = ${kind}
          and p.is_primary and ${column} is not null and p.value <> ${column}
        returning p.customer_id)
      update customer_import_rows s set changed = true
      from cleared where s.target = cleared.customer_id and not s.changed`.execute(trx);
    await sql`
      with added as (
        insert into customer_contacts (tenant_id, customer_id, kind, value, is_primary, created_at)
        select ${tenantId}, s.target, ${kind}, ${column}, true, ${now}
        from customer_import_rows s where ${column} is not null
        on conflict (tenant_id, customer_id, kind, value) do update set is_primary = true
          where customer_contacts.is_primary = false
        returning customer_id)
      update customer_import_rows s set changed = true
      from added where s.target = added.customer_id and not s.changed and not s.created`.execute(
      trx,
    );
  }
  await sql`
    with added as (
      insert into customer_tags (tenant_id, customer_id, tag, created_at)
      select distinct ${tenantId}::uuid, s.target, t.tag, ${now}::timestamptz
      from customer_import_rows s, unnest(string_to_array(s.tags, chr(31))) as t(tag)
      where s.tags is not null
      on conflict do nothing
      returning customer_id)
    update customer_import_rows s set changed = true
    from added where s.target = added.customer_id and not s.changed and not s.created`.execute(trx);
  const updated = await sql`
    update customers c set
      name = coalesce(s.name, c.name),
      sort_key = coalesce(s.sort_key, c.sort_key),
      search_text = case when s.name_search is null then c.search_text
                         else s.name_search || coalesce(' ' || lower(c.external_id), '') end,
      birthday = coalesce(s.birthday, c.birthday),
      gender = coalesce(s.gender, c.gender),
      occupation = coalesce(s.occupation, c.occupation),
      interests = coalesce(s.interests, c.interests),
      family_notes = coalesce(s.family_notes, c.family_notes),
      notes = coalesce(s.notes, c.notes),
      preferred_channel = coalesce(s.preferred_channel, c.preferred_channel),
      attributes = c.attributes || coalesce(s.attributes, '{}'::jsonb),
      updated_at = ${now},
      version = c.version + 1
    from customer_import_rows s
    where c.tenant_id = ${tenantId} and c.id = s.target and not s.created
      -- A row that changes nothing writes nothing (re-importing a file is cheap).
      and (s.changed or
           (coalesce(s.name, c.name), coalesce(s.birthday, c.birthday),
            coalesce(s.gender, c.gender), coalesce(s.occupation, c.occupation),
            coalesce(s.interests, c.interests), coalesce(s.family_notes, c.family_notes),
            coalesce(s.notes, c.notes), coalesce(s.preferred_channel, c.preferred_channel),
            c.attributes || coalesce(s.attributes, '{}'::jsonb))
           is distinct from
           (c.name, c.birthday, c.gender, c.occupation, c.interests, c.family_notes, c.notes,
            c.preferred_channel, c.attributes))`.execute(trx);
  options.onProgress?.(staged, 'writing');
  const createdCount = Number(created.numAffectedRows ?? 0);
  // Planner statistics of tables that just grew a lot (autovacuum comes later).
  if (createdCount >= 1_000)
    await sql`analyze customers, customer_contacts, customer_tags`.execute(trx);
  return report(createdCount, Number(updated.numAffectedRows ?? 0));
}
