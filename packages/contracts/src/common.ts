import { z } from 'zod';
import { errorCodes, fieldErrorReasons } from './errors.ts';

export const id = z.string().uuid().describe('Identifier (UUID)');

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

export const instant = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 instant, e.g. 2026-11-23T08:00:00Z');
