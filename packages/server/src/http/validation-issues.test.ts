import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FieldError } from './app-error.ts';
import { fieldErrorOfIssue } from './validation-issues.ts';

/** The field errors `schema` gives `input`, as the HTTP edge reports them. */
function fieldErrorsOf(schema: z.ZodType, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected the input to be refused');
  return parsed.error.issues.map(({ code, path, message, ...details }) =>
    fieldErrorOfIssue({ code, path, message, details }, input, '(body)'),
  );
}

const pick = ({ field, reason, params }: FieldError) => ({
  field,
  reason,
  params,
});

describe('a validation issue as a field error', () => {
  const cases: [string, z.ZodType, unknown, object][] = [
    [
      'a missing field is required',
      z.object({ name: z.string() }),
      {},
      { field: 'name', reason: 'required' },
    ],
    [
      'null is a wrong type, not a missing field',
      z.object({ name: z.string() }),
      { name: null },
      { field: 'name', reason: 'invalid_type', params: { expected: 'string' } },
    ],
    [
      'a fraction where a whole number goes',
      z.object({ n: z.number().int() }),
      { n: 1.5 },
      { field: 'n', reason: 'invalid_type', params: { expected: 'int' } },
    ],
    [
      'a number below its minimum',
      z.object({ lines: z.array(z.object({ amount: z.number().min(1) })) }),
      { lines: [{ amount: 0 }] },
      { field: 'lines[0].amount', reason: 'too_small', params: { origin: 'number', minimum: 1 } },
    ],
    [
      'a number not above an exclusive minimum',
      z.object({ n: z.number().positive() }),
      { n: 0 },
      {
        field: 'n',
        reason: 'too_small',
        params: { origin: 'number', minimum: 0, bound: 'exclusive' },
      },
    ],
    [
      'a string too long',
      z.object({ s: z.string().max(3) }),
      { s: 'abcd' },
      { field: 's', reason: 'too_big', params: { origin: 'string', maximum: 3 } },
    ],
    [
      'a string of the wrong fixed length',
      z.object({ s: z.string().length(4) }),
      { s: 'abc' },
      { field: 's', reason: 'too_small', params: { origin: 'string', minimum: 4, bound: 'exact' } },
    ],
    [
      'an empty list',
      z.object({ a: z.array(z.string()).min(1) }),
      { a: [] },
      { field: 'a', reason: 'too_small', params: { origin: 'array', minimum: 1 } },
    ],
    [
      'a date before its minimum, the limit as an instant',
      z.object({ d: z.date().min(new Date('2026-01-01T00:00:00Z')) }),
      { d: new Date('2025-01-01T00:00:00Z') },
      {
        field: 'd',
        reason: 'too_small',
        params: { origin: 'date', minimum: '2026-01-01T00:00:00.000Z' },
      },
    ],
    [
      'a bad email',
      z.object({ email: z.email() }),
      { email: 'not-an-email' },
      { field: 'email', reason: 'invalid_format', params: { format: 'email' } },
    ],
    [
      'a pattern, with the pattern',
      z.object({ c: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code') }),
      { c: 'cny' },
      {
        field: 'c',
        reason: 'invalid_format',
        params: { format: 'regex', pattern: '/^[A-Z]{3}$/' },
      },
    ],
    [
      'not a multiple',
      z.object({ n: z.number().multipleOf(5) }),
      { n: 7 },
      { field: 'n', reason: 'not_multiple_of', params: { divisor: 5 } },
    ],
    [
      'a value outside an enum',
      z.object({ role: z.enum(['owner', 'agent']) }),
      { role: 'boss' },
      { field: 'role', reason: 'invalid_value', params: { options: 'owner, agent' } },
    ],
    [
      'a discriminator that matches no option',
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('purchase') }),
        z.object({ type: z.literal('refund') }),
      ]),
      { type: 'gift' },
      { field: 'type', reason: 'invalid_value', params: { options: 'purchase, refund' } },
    ],
    [
      'a missing discriminator',
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('purchase') }),
        z.object({ type: z.literal('refund') }),
      ]),
      {},
      { field: 'type', reason: 'required', params: { options: 'purchase, refund' } },
    ],
    [
      'a union that matches nothing',
      z.object({ v: z.union([z.string(), z.number()]) }),
      { v: true },
      { field: 'v', reason: 'invalid_union' },
    ],
    [
      'unknown fields, nested, in one error',
      z.strictObject({ a: z.strictObject({ b: z.number() }) }),
      { a: { b: 1, c: 2, d: 3 } },
      { field: 'a.c, a.d', reason: 'unknown_field' },
    ],
    [
      'a refinement that names its reason',
      z.object({ a: z.string().optional(), b: z.string().optional() }).superRefine((value, ctx) => {
        if ((value.a === undefined) === (value.b === undefined))
          ctx.addIssue({
            code: 'custom',
            path: ['a'],
            message: 'give exactly one of a and b',
            params: { reason: 'exactly_one_of', fields: 'a, b' },
          });
      }),
      {},
      { field: 'a', reason: 'exactly_one_of', params: { fields: 'a, b' } },
    ],
    [
      'a refinement without one',
      z.object({ a: z.string() }).refine((value) => value.a !== 'x', { path: ['a'] }),
      { a: 'x' },
      { field: 'a', reason: 'invalid' },
    ],
    [
      'the whole input missing',
      z.object({ a: z.string() }),
      undefined,
      { field: '(body)', reason: 'required' },
    ],
  ];

  it.each(cases)('%s', (_, schema, input, expected) => {
    const [error, ...more] = fieldErrorsOf(schema, input);
    expect(more).toEqual([]);
    expect(pick(error!)).toEqual({ params: undefined, ...expected });
  });

  it('keeps zod’s English message, and "unknown field" for unknown fields', () => {
    expect(fieldErrorsOf(z.object({ n: z.number().min(1) }), { n: 0 })[0]?.message).toBe(
      'Too small: expected number to be >=1',
    );
    expect(fieldErrorsOf(z.strictObject({}), { x: 1 })[0]?.message).toBe('unknown field');
  });
});
