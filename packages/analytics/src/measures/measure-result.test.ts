import { describe, expect, it } from 'vitest';
import { fail, ok } from './measure-result.ts';

describe('measure results', () => {
  it('wraps values and errors as plain JSON', () => {
    expect(ok(3)).toEqual({ ok: true, value: 3 });
    expect(fail('invalid-input', 'bad', 'rows[2]')).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'bad', field: 'rows[2]' },
    });
    // no `field: undefined` key when there is no field (exactOptionalPropertyTypes, JSON)
    const e = fail('insufficient-data', 'empty');
    expect(e.ok ? null : Object.keys(e.error)).toEqual(['code', 'message']);
  });
});
