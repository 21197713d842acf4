import { z } from 'zod';
import { calendarDate, fieldError, id, instant, page, pageQuery, storedInstant } from './common.ts';

export const customerKinds = ['person', 'organization'] as const;
export const customerKind = z.enum(customerKinds);

export const consentChannels = ['email', 'sms', 'phone', 'wechat', 'post'] as const;
export const consentChannel = z.enum(consentChannels);
export type ConsentChannel = z.infer<typeof consentChannel>;

export const genders = ['female', 'male', 'other', 'undisclosed'] as const;

const externalId = z
  .string()
  .min(1)
  .max(200)
  .describe('Your own id for the customer (CRM, shop); unique in the tenant');
const tagName = z.string().trim().min(1).max(50);
const attributeValue = z.union([z.string().max(2000), z.number(), z.boolean()]);

const contactInput = z.strictObject({
  value: z.string().min(1).max(320),
  label: z.string().max(50).optional().describe('e.g. work, home'),
  primary: z.boolean().optional(),
});
const contact = z.object({ value: z.string(), label: z.string().nullable(), primary: z.boolean() });

const consentInput = z.strictObject({
  status: z.enum(['granted', 'withdrawn']),
  source: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Where the consent was given or withdrawn: web-form, store, call …'),
  at: instant.optional().describe('When the customer decided; default now'),
});
export const consentState = z.object({
  channel: consentChannel,
  status: z.enum(['granted', 'withdrawn']),
  at: storedInstant,
  source: z.string(),
});

const profileFields = {
  externalId: externalId.optional(),
  email: z.string().max(320).optional().describe('Primary email (added to `emails`)'),
  phone: z.string().max(50).optional().describe('Primary phone (added to `phones`)'),
  emails: z.array(contactInput).max(20).optional(),
  phones: z.array(contactInput).max(20).optional(),
  birthday: calendarDate.optional(),
  gender: z.enum(genders).optional(),
  occupation: z.string().max(200).optional(),
  interests: z.array(z.string().min(1).max(100)).max(50).optional(),
  familyNotes: z.string().max(5000).optional(),
  notes: z.string().max(10000).optional(),
  preferredChannel: consentChannel.optional(),
  tags: z.array(tagName).max(100).optional(),
  attributes: z
    .record(z.string().max(50), attributeValue)
    .optional()
    .describe('Values of the tenant’s attribute definitions, validated by type'),
};

export const customerCreate = z.strictObject({
  kind: customerKind,
  name: z.string().trim().min(1).max(200),
  ...profileFields,
  consent: z.partialRecord(consentChannel, consentInput).optional(),
});
export type CustomerCreate = z.infer<typeof customerCreate>;

/** Every field optional; `null` clears it. Arrays replace; `attributes` merge (`null` removes a key). */
export const customerPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  externalId: externalId.nullable().optional(),
  email: z.string().max(320).nullable().optional(),
  phone: z.string().max(50).nullable().optional(),
  emails: z.array(contactInput).max(20).optional(),
  phones: z.array(contactInput).max(20).optional(),
  birthday: calendarDate.nullable().optional(),
  gender: z.enum(genders).nullable().optional(),
  occupation: z.string().max(200).nullable().optional(),
  interests: z.array(z.string().min(1).max(100)).max(50).optional(),
  familyNotes: z.string().max(5000).nullable().optional(),
  notes: z.string().max(10000).nullable().optional(),
  preferredChannel: consentChannel.nullable().optional(),
  tags: z.array(tagName).max(100).optional(),
  attributes: z.record(z.string().max(50), attributeValue.nullable()).optional(),
});
export type CustomerPatch = z.infer<typeof customerPatch>;

export const customer = z
  .object({
    id,
    kind: customerKind,
    name: z.string(),
    externalId: z.string().nullable(),
    email: z.string().nullable().describe('Primary email'),
    phone: z.string().nullable().describe('Primary phone'),
    emails: z.array(contact),
    phones: z.array(contact),
    birthday: z.string().nullable(),
    gender: z.enum(genders).nullable(),
    occupation: z.string().nullable(),
    interests: z.array(z.string()),
    familyNotes: z.string().nullable(),
    notes: z.string().nullable(),
    preferredChannel: consentChannel.nullable(),
    consent: z.array(consentState),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), attributeValue),
    source: z
      .string()
      .describe(
        'staff (created in the web UI), api (with an API key), import or event (created by a purchase for an unknown id)',
      ),
    mergedIds: z
      .array(id)
      .describe('Customers merged into this one (their ids now answer with this customer)'),
    createdAt: storedInstant,
    updatedAt: storedInstant,
    version: z
      .number()
      .int()
      .describe(
        'Increases with every change; the ETag header carries it ("7"), and If-Match: "7" ' +
          'on a PATCH changes the customer only while it is still at that version',
      ),
  })
  .meta({ id: 'Customer' });
export type Customer = z.infer<typeof customer>;

export const customerSorts = ['name', '-name', 'created', '-created'] as const;

export const customerListQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe('Search: name (also pinyin and initials, fuzzy), phone, email, external id'),
  kind: customerKind.optional(),
  tag: z.string().max(50).optional(),
  attribute: z
    .union([z.string().max(300), z.array(z.string().max(300)).max(10)])
    .optional()
    .describe('`key=value`, repeatable: customers whose attribute equals the value'),
  createdFrom: instant.optional(),
  createdTo: instant.optional().describe('Exclusive'),
  sort: z
    .enum(customerSorts)
    .optional()
    .describe('`name` is pinyin order; default `-created` (or `name` when searching)'),
});
export type CustomerListQuery = z.infer<typeof customerListQuery>;
export const customerPage = page(customer);

export const customerExportQuery = customerListQuery
  .omit({ cursor: true, limit: true })
  .extend({ bom: z.enum(['true', 'false']).default('true').describe('UTF-8 BOM for Excel') });

export const tagsBody = z.strictObject({ tags: z.array(tagName).min(1).max(100) });
export const tagsResult = z.object({ tags: z.array(z.string()) });

export const attributeTypes = ['string', 'number', 'boolean', 'date', 'enum'] as const;
const attributeKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower-case letters, digits and _, starting with a letter');
const attributeLabel = z.string().min(1).max(100);
const attributeOptions = z.array(z.string().min(1).max(100)).max(200);
export const attributeDefinitionCreate = z.strictObject({
  key: attributeKey,
  labelZh: attributeLabel,
  labelEn: attributeLabel,
  type: z.enum(attributeTypes),
  options: attributeOptions.optional().describe('The allowed values of an `enum`'),
});
/** Labels and options change; the key and the type never do (sending the current ones is fine). */
export const attributeDefinitionPatch = z.strictObject({
  labelZh: attributeLabel.optional(),
  labelEn: attributeLabel.optional(),
  options: attributeOptions
    .optional()
    .describe(
      'An `enum`’s options, all of them, in order: add new ones here. One that customers hold ' +
        'cannot be left out (409 CONFLICT naming it and how many hold it)',
    ),
  key: z
    .string()
    .max(200)
    .optional()
    .describe('Cannot change: accepted only when it is the current key'),
  type: z
    .enum(attributeTypes)
    .optional()
    .describe('Cannot change: accepted only when it is the current type'),
});
export type AttributeDefinitionPatch = z.infer<typeof attributeDefinitionPatch>;
export const attributeKeyParams = z.strictObject({ key: z.string().min(1).max(200) });
export const attributeDeleteQuery = z.strictObject({
  force: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      'Also remove the values customers hold, in the same transaction. Without it, deleting ' +
        'an attribute that customers hold values of is refused (409 CONFLICT)',
    ),
});
export const attributeDefinition = z.object({
  key: z.string(),
  labelZh: z.string(),
  labelEn: z.string(),
  type: z.enum(attributeTypes),
  options: z.array(z.string()),
  createdAt: storedInstant,
});
export type AttributeDefinition = z.infer<typeof attributeDefinition>;
export const attributeUsage = z
  .object({
    key: z.string(),
    customers: z.number().int().describe('Customers holding a value of the attribute'),
    options: z
      .array(z.object({ option: z.string(), customers: z.number().int() }))
      .describe('An `enum`’s options, each with the customers holding it; empty for other types'),
  })
  .meta({ id: 'AttributeUsage' });
export type AttributeUsage = z.infer<typeof attributeUsage>;

export const consentPut = consentInput;
export const consentHistory = z.object({
  current: z.array(consentState),
  history: z
    .array(consentState.extend({ recordedAt: storedInstant }))
    .describe('Every decision recorded, newest first (also those of merged duplicates)'),
});

export const memberCreate = z.strictObject({
  personId: id,
  role: z.string().max(100).optional().describe('e.g. decision maker, buyer'),
  title: z.string().max(100).optional().describe('Job title'),
});
export const member = z.object({
  organizationId: id,
  organizationName: z.string(),
  personId: id,
  personName: z.string(),
  role: z.string().nullable(),
  title: z.string().nullable(),
  createdAt: storedInstant,
});
export const memberListQuery = pageQuery.extend({
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .describe(
      'The people (or organisations) as the customer search finds them — name, pinyin, phone, email, external id — or by a role or job title containing the text',
    ),
});
export type MemberListQuery = z.infer<typeof memberListQuery>;
export const memberList = page(member).describe(
  'In the other side’s name order (pinyin for Chinese names)',
);

export const mergeRequest = z.strictObject({
  duplicateId: id.describe('The customer folded into this one; its id will answer with this one'),
});

export const importModes = ['all-or-nothing', 'skip-invalid'] as const;
export const importEncodings = ['auto', 'utf8', 'gbk'] as const;
export const customerImportQuery = z.strictObject({
  mode: z.enum(importModes).default('all-or-nothing'),
  encoding: z.enum(importEncodings).default('auto'),
  dryRun: z.enum(['true', 'false']).default('false'),
  mapping: z
    .string()
    .max(10000)
    .optional()
    .describe('JSON object: CSV column → field, e.g. {"会员号":"externalId"}'),
  map: z
    .union([z.string().max(300), z.array(z.string().max(300)).max(200)])
    .optional()
    .describe('`csvColumn:field`, repeatable'),
});

export const importError = fieldError.extend({
  line: z.number().int().describe('CSV line (the header is line 1)'),
});
export const customerImportReport = z
  .object({
    dryRun: z.boolean(),
    mode: z.enum(importModes),
    encoding: z.enum(['utf8', 'gb18030']),
    columns: z.record(z.string(), z.string()).describe('CSV column → field as applied'),
    rows: z.number().int().describe('Data rows read'),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z
      .number()
      .int()
      .describe('Rows for existing customers that changed nothing (and wrote nothing)'),
    skipped: z.number().int().describe('Invalid rows left out (skip-invalid)'),
    errorCount: z.number().int(),
    errors: z.array(importError).describe('The first 1,000 errors, by line'),
  })
  .meta({ id: 'CustomerImportReport' });
export type CustomerImportReport = z.infer<typeof customerImportReport>;

/** The fields a CSV column can map to; `attributes.<key>` maps to a custom attribute. */
export const importFields = [
  'externalId',
  'kind',
  'name',
  'email',
  'phone',
  'birthday',
  'gender',
  'occupation',
  'interests',
  'familyNotes',
  'notes',
  'preferredChannel',
  'tags',
] as const;
