// The pure core of the CSV import: header mapping and row validation. No I/O.
import { importFields, timeBounds, type FieldErrorParams } from '@fidelis/contracts';
import type { FieldError } from '../../http/app-error.ts';
import {
  checkAttribute,
  checkBirthday,
  isCalendarDate,
  normalizeEmail,
  normalizePhone,
  type AttributeRule,
  type AttributeValue,
  type Refusal,
} from './customer-fields.ts';
import { splitList, unquoteCell } from './csv-cells.ts';
import { nameKeys } from '../../text/name-keys.ts';

export type ImportField = (typeof importFields)[number] | `attributes.${string}`;

const aliases: Record<(typeof importFields)[number], string[]> = {
  externalId: [
    'externalid',
    'external',
    'externalcustomerid',
    '外部编号',
    '外部id',
    '会员号',
    '会员编号',
    '会员卡号',
    '客户编号',
    '客户代码',
  ],
  kind: ['kind', 'type', 'customertype', '类型', '客户类型'],
  name: ['name', 'fullname', 'customername', '姓名', '名称', '客户名称', '客户姓名', '名字'],
  email: ['email', 'mail', 'emailaddress', '邮箱', '电子邮箱', '电子邮件', '邮件', '邮箱地址'],
  phone: [
    'phone',
    'mobile',
    'tel',
    'telephone',
    'phonenumber',
    'cellphone',
    '手机',
    '手机号',
    '手机号码',
    '电话',
    '电话号码',
    '联系电话',
    '联系方式',
  ],
  birthday: ['birthday', 'birthdate', 'dateofbirth', 'dob', '生日', '出生日期'],
  gender: ['gender', 'sex', '性别'],
  occupation: ['occupation', 'job', 'profession', '职业'],
  interests: ['interests', 'hobbies', '兴趣', '爱好', '兴趣爱好'],
  familyNotes: ['familynotes', 'family', '家庭', '家庭情况', '家庭备注'],
  notes: ['notes', 'note', 'remark', 'remarks', 'comment', '备注', '说明'],
  preferredChannel: ['preferredchannel', 'channel', '首选渠道', '偏好渠道'],
  tags: ['tags', 'tag', 'labels', '标签'],
};

const byAlias = new Map<string, ImportField>();
for (const [field, names] of Object.entries(aliases)) {
  for (const name of names) byAlias.set(name, field as ImportField);
}

function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-.（）()]/g, '');
}

export function isImportField(field: string): field is ImportField {
  return (
    (importFields as readonly string[]).includes(field) ||
    /^attributes\.[a-z][a-z0-9_]*$/.test(field)
  );
}

/**
 * Which field each CSV column fills: the explicit mapping first, else English and Chinese
 * header names (`姓名`, `手机`, `external_id` …), else an attribute by key or label.
 * Columns that map to nothing are ignored (and left out of the report's `columns`).
 */
export function mapColumns(
  headers: readonly string[],
  explicit: Readonly<Record<string, string>> | undefined,
  attributes: readonly { key: string; labelZh: string; labelEn: string }[],
): { fields: (ImportField | null)[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (explicit) {
    for (const column of Object.keys(explicit)) {
      if (!headers.includes(column))
        errors.push({
          field: column,
          message: 'no such column in the file',
          reason: 'column_missing',
        });
    }
  }
  const byAttribute = new Map<string, ImportField>();
  for (const attribute of attributes) {
    const field = `attributes.${attribute.key}` as const;
    for (const name of [attribute.key, attribute.labelZh, attribute.labelEn, field]) {
      byAttribute.set(headerKey(name), field);
    }
  }
  const fields = headers.map((header): ImportField | null => {
    const chosen = explicit?.[header];
    if (chosen !== undefined) return isImportField(chosen) ? chosen : null;
    // Columns the explicit mapping leaves out still map by their names.
    const key = headerKey(header);
    return (
      byAlias.get(key) ??
      byAttribute.get(key) ??
      byAttribute.get(headerKey(`attributes.${header}`)) ??
      null
    );
  });
  const seen = new Map<string, string>();
  fields.forEach((field, index) => {
    if (!field) return;
    const earlier = seen.get(field);
    if (earlier !== undefined)
      errors.push({
        field: headers[index] ?? '',
        message: `maps to ${field} like column ${earlier}`,
        reason: 'duplicate',
      });
    seen.set(field, headers[index] ?? '');
  });
  return { fields, errors };
}

export interface ImportRow {
  line: number;
  externalId: string | null;
  kind: 'person' | 'organization';
  name: string | null;
  sortKey: string | null;
  nameSearch: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  gender: string | null;
  occupation: string | null;
  interests: string[] | null;
  familyNotes: string | null;
  notes: string | null;
  preferredChannel: string | null;
  tags: string[] | null;
  attributes: Record<string, AttributeValue> | null;
}

export type RowError = FieldError & { line: number };

const kinds: Record<string, 'person' | 'organization'> = {
  person: 'person',
  individual: 'person',
  p: 'person',
  个人: 'person',
  人: 'person',
  organization: 'organization',
  organisation: 'organization',
  company: 'organization',
  org: 'organization',
  o: 'organization',
  企业: 'organization',
  公司: 'organization',
  组织: 'organization',
  机构: 'organization',
};
const genderWords: Record<string, string> = {
  female: 'female',
  f: 'female',
  woman: 'female',
  女: 'female',
  男: 'male',
  male: 'male',
  m: 'male',
  man: 'male',
  other: 'other',
  其他: 'other',
  undisclosed: 'undisclosed',
  保密: 'undisclosed',
  未知: 'undisclosed',
};
const channels = new Set(['email', 'sms', 'phone', 'wechat', 'post']);
const channelWords: Record<string, string> = {
  邮件: 'email',
  邮箱: 'email',
  短信: 'sms',
  电话: 'phone',
  微信: 'wechat',
  邮寄: 'post',
  信件: 'post',
};

/** `1990-01-05`, `1990/1/5`, `1990.1.5`, `19900105`, `1990年1月5日` → `1990-01-05`. */
export function parseDate(text: string): string | null {
  const match =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return null;
  const date = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  return isCalendarDate(date) ? date : null;
}

const options = (values: Iterable<string>): FieldErrorParams => ({
  options: [...values].join(', '),
});
const longerThan = (maximum: number): Refusal => ({
  message: `longer than ${maximum} characters`,
  reason: 'too_big',
  params: { origin: 'string', maximum },
});

const limits: Partial<Record<ImportField, number>> = {
  externalId: 200,
  name: 200,
  occupation: 200,
  familyNotes: 5000,
  notes: 10000,
};

/**
 * Validates one CSV record against the mapped fields: a row to import, or its errors. `now` is
 * the clock a birthday must not lie ahead of.
 */
export function validateRow(
  line: number,
  record: readonly string[],
  fields: readonly (ImportField | null)[],
  rules: ReadonlyMap<string, AttributeRule>,
  now: Date = new Date(),
): { ok: true; row: ImportRow } | { ok: false; errors: RowError[] } {
  const errors: RowError[] = [];
  const row: ImportRow = {
    line,
    externalId: null,
    kind: 'person',
    name: null,
    sortKey: null,
    nameSearch: null,
    email: null,
    phone: null,
    birthday: null,
    gender: null,
    occupation: null,
    interests: null,
    familyNotes: null,
    notes: null,
    preferredChannel: null,
    tags: null,
    attributes: null,
  };
  const fail = (field: string, refusal: Refusal) => errors.push({ line, field, ...refusal });
  fields.forEach((field, index) => {
    if (!field) return;
    // Less the `'` an export put before what a spreadsheet would run as a formula.
    const text = unquoteCell((record[index] ?? '').normalize('NFC').trim());
    if (text === '') return;
    const limit = limits[field];
    if (limit !== undefined && text.length > limit) {
      fail(field, longerThan(limit));
      return;
    }
    // PostgreSQL text cannot hold it: the whole import failed in the database.
    if (text.includes('\u0000')) {
      fail(field, { message: 'must not contain the NUL character (U+0000)', reason: 'invalid' });
      return;
    }
    switch (field) {
      case 'externalId':
        row.externalId = text;
        break;
      case 'name':
        row.name = text;
        break;
      case 'kind': {
        const kind = kinds[text.toLowerCase()];
        if (kind) row.kind = kind;
        else
          fail(field, {
            message: 'expected person or organization (个人/企业)',
            reason: 'invalid_value',
            params: options(['person', 'organization']),
          });
        break;
      }
      case 'email': {
        const checked = normalizeEmail(text);
        if (checked.ok) row.email = checked.value;
        else fail(field, checked.error);
        break;
      }
      case 'phone': {
        const checked = normalizePhone(text);
        if (checked.ok) row.phone = checked.value;
        else fail(field, checked.error);
        break;
      }
      case 'birthday': {
        const date = parseDate(text);
        // The span the API keeps to (year 0000 would fail in the database).
        if (date && date < timeBounds.earliestDate)
          fail(field, {
            message: `must not be before ${timeBounds.earliestDate}`,
            reason: 'too_small',
            params: { origin: 'date', minimum: timeBounds.earliestDate },
          });
        else if (date && date > timeBounds.latestDate)
          fail(field, {
            message: `must not be after ${timeBounds.latestDate}`,
            reason: 'too_big',
            params: { origin: 'date', maximum: timeBounds.latestDate },
          });
        else if (date) row.birthday = date;
        else
          fail(field, {
            message: 'expected a date such as 1990-01-05',
            reason: 'invalid_format',
            params: { format: 'date' },
          });
        break;
      }
      case 'gender': {
        const gender = genderWords[text.toLowerCase()];
        if (gender) row.gender = gender;
        else
          fail(field, {
            message: 'expected female, male, other or undisclosed (女/男/其他/保密)',
            reason: 'invalid_value',
            params: options(new Set(Object.values(genderWords))),
          });
        break;
      }
      case 'occupation':
        row.occupation = text;
        break;
      case 'interests':
        row.interests = splitList(text).slice(0, 50);
        break;
      case 'familyNotes':
        row.familyNotes = text;
        break;
      case 'notes':
        row.notes = text;
        break;
      case 'preferredChannel': {
        const channel = channelWords[text] ?? text.toLowerCase();
        if (channels.has(channel)) row.preferredChannel = channel;
        else
          fail(field, {
            message: 'expected email, sms, phone, wechat or post',
            reason: 'invalid_value',
            params: options(channels),
          });
        break;
      }
      case 'tags': {
        const tags = splitList(text);
        if (tags.some((tag) => tag.length > 50))
          fail(field, { ...longerThan(50), message: 'a tag is longer than 50 characters' });
        else row.tags = tags.slice(0, 100);
        break;
      }
      default: {
        const key = field.slice('attributes.'.length);
        const checked = checkAttribute(rules.get(key), key, text, true);
        if (checked.ok) row.attributes = { ...row.attributes, [key]: checked.value };
        else fail(field, checked.error);
      }
    }
  });
  if (row.birthday !== null) {
    const checked = checkBirthday(row.birthday, now);
    if (!checked.ok) fail('birthday', checked.error);
  }
  if (row.name === null && row.externalId === null) {
    fail(fields.includes('name') ? 'name' : 'externalId', {
      message: 'a row needs a name (or the external id of a customer to update)',
      reason: 'required',
    });
  }
  if (row.name !== null) {
    const keys = nameKeys(row.name, row.kind);
    row.sortKey = keys.sortKey;
    row.nameSearch = keys.searchText;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, row };
}
