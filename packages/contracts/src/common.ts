import { z } from 'zod';
import { errorCodes, fieldErrorReasons } from './errors.ts';

export const id = z.string().uuid().describe('Identifier (UUID)');

/**
 * What partner transactions are kept under, beside the keys clients choose: a burn is a
 * redemption with the idempotency key `partner:<partnerId>:<reference>`, an earning a ledger
 * entry with that event id.
 */
export const partnerKeyPrefix = 'partner:';

/**
 * The ledger's own event ids, beside the ids of recorded purchases (a purchase's points are
 * kept under its event id): partner earnings (`partner:…`), staff credits (`adjust:<key>`),
 * action awards (`action:<key>`), birthday gifts (`birthday:<customerId>:<year>`) and
 * referral bonuses (`referral:<eventId>:<side>`).
 */
export const ledgerEventIdPrefixes = [
  partnerKeyPrefix,
  'adjust:',
  'action:',
  'birthday:',
  'referral:',
] as const;

/**
 * A key or id of the client's choosing (1 to 200 characters) that does not begin with one of
 * the `reserved` prefixes, under which the server keeps keys of its own in the same place:
 * otherwise a client's key could take the place of the server's (a partner's transaction
 * answered as a replay of a staff redemption, or refused as a conflict). Refused here rather
 * than the server's keys moved into a namespace of their own because every key and id already
 * stored keeps meaning what it means (a retried partner transaction still finds its first
 * result) and no stored data has to be rewritten. Refused as `invalid_format`, format
 * `client_key`, with the `prefix`.
 */
export function clientKey(reserved: readonly string[]) {
  return z
    .string()
    .min(1)
    .max(200)
    .superRefine((value, ctx) => {
      const prefix = reserved.find((start) => value.startsWith(start));
      if (prefix !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `must not begin with "${prefix}": the server keeps that for keys of its own`,
          params: { reason: 'invalid_format', format: 'client_key', prefix },
        });
    });
}

/** The numbers and names a field error's reason needs, e.g. `{ minimum: 1 }` or `{ format: 'email' }`. */
export const fieldErrorParams = z.record(z.string(), z.union([z.string(), z.number()]));
export type FieldErrorParams = z.infer<typeof fieldErrorParams>;

/** What is wrong with one field: `message` in English for people, `reason` + `params` for code. */
export const fieldError = z
  .object({
    field: z.string().describe('JSON path of the offending field, e.g. `lines[0].amount`'),
    message: z.string().describe('In English; translate by `reason` instead where there is one'),
    line: z.number().int().optional().describe('CSV line, for imports'),
    reason: z
      .enum(fieldErrorReasons)
      .optional()
      .describe('Why, stable and machine-readable, e.g. `too_small`; new reasons may be added'),
    params: fieldErrorParams
      .optional()
      .describe(
        'What the reason needs to be put in words, e.g. `{ "origin": "number", "minimum": 1 }`',
      ),
  })
  .meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof fieldError>;

/** RFC 9457 problem details, with a stable `code` and, for input errors, where it went wrong. */
export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.enum(errorCodes),
    requestId: z.string().optional(),
    errors: z.array(fieldError).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problem>;

export const pageQuery = z.strictObject({
  cursor: z.string().max(500).optional().describe('Opaque cursor from the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The query of a route that takes no query parameters: any parameter is refused as unknown. */
export const noQuery = z.strictObject({});

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null at the end'),
  });
}

/** ISO 4217 currency code. */
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. CNY')
  .describe('ISO 4217 currency code');

/** Money in integer minor units (fen, cents). */
export const minorUnits = z.number().int().describe('Amount in integer minor units (fen, cents)');

/**
 * The span of time the API takes, in UTC: the years 1900–2999. Wider input (year 0000,
 * 9999 at −12:00) parses as ISO 8601 yet is nothing a customer did, and the database or
 * JavaScript would answer it wrongly (years 0001–0099 read back as 19xx) or not at all. What it
 * gives is not bounded (`storedInstant`): older versions stored wider instants.
 */
export const timeBounds = {
  earliest: '1900-01-01T00:00:00.000Z',
  latest: '2999-12-31T23:59:59.999Z',
  earliestDate: '1900-01-01',
  latestDate: '2999-12-31',
  /** UTC offsets of real time zones lie within ±14:00 (the database takes no more than ±15:59). */
  maxOffsetMinutes: 14 * 60,
} as const;

const earliestMs = Date.parse(timeBounds.earliest);
const latestMs = Date.parse(timeBounds.latest);

export const instant = z.iso
  .datetime({ offset: true })
  .superRefine((value, ctx) => {
    const offset = /([+-])(\d\d):(\d\d)$/.exec(value);
    if (offset && Number(offset[2]) * 60 + Number(offset[3]) > timeBounds.maxOffsetMinutes) {
      ctx.addIssue({
        code: 'custom',
        message: 'the UTC offset must lie between -14:00 and +14:00',
        params: { reason: 'invalid_format', format: 'datetime' },
      });
      return;
    }
    const at = Date.parse(value);
    if (Number.isNaN(at)) return; // the format check above reports it
    if (at < earliestMs)
      ctx.addIssue({
        code: 'custom',
        message: `must not be before ${timeBounds.earliest}`,
        params: { reason: 'too_small', origin: 'date', minimum: timeBounds.earliest },
      });
    else if (at > latestMs)
      ctx.addIssue({
        code: 'custom',
        message: `must not be after ${timeBounds.latest}`,
        params: { reason: 'too_big', origin: 'date', maximum: timeBounds.latest },
      });
  })
  .describe('ISO 8601 instant, e.g. 2026-11-23T08:00:00Z; years 1900–2999, offsets within ±14:00');

/**
 * An instant as the API answers it: any ISO 8601 instant, whatever the year. Responses use it,
 * never `instant`: versions before the bounds took instants outside them (an event of 1850, a
 * multiplier rule from 1899), and a reply that refused what the database holds would be a 500
 * instead of the data. What the API takes stays `instant`.
 */
export const storedInstant = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 instant in UTC, e.g. 2026-11-23T08:00:00.000Z');

/** A calendar date, YYYY-MM-DD, in the years 1900–2999 like `instant`. */
export const calendarDate = z.iso
  .date()
  .superRefine((value, ctx) => {
    // ISO dates of four-digit years compare as strings.
    if (value < timeBounds.earliestDate)
      ctx.addIssue({
        code: 'custom',
        message: `must not be before ${timeBounds.earliestDate}`,
        params: { reason: 'too_small', origin: 'date', minimum: timeBounds.earliestDate },
      });
    else if (value > timeBounds.latestDate)
      ctx.addIssue({
        code: 'custom',
        message: `must not be after ${timeBounds.latestDate}`,
        params: { reason: 'too_big', origin: 'date', maximum: timeBounds.latestDate },
      });
  })
  .describe('Calendar date, YYYY-MM-DD; years 1900–2999');

/** A calendar date as the API answers it, whatever the year: `storedInstant`'s reasons. */
export const storedDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
