// What a number field accepts, checked when the value changes and before the form is sent:
// a value out of range or with too many decimals stays as typed and the field says why.
import type { FormRule } from 'antd';
import type { TFunction } from 'i18next';
import { currencyDigits } from '../i18n/format.ts';

/**
 * The bounds of a number field; `decimals: 0` (or `integer`) asks for a whole number, `currency`
 * for an amount in its major units (as many decimals as the currency has: 2 for CNY).
 */
export type NumberLimits = {
  min?: number;
  max?: number;
  integer?: boolean;
  decimals?: number;
  currency?: string;
};

export type NumberProblem =
  | { key: 'numberField.tooSmall'; params: { min: number } }
  | { key: 'numberField.tooBig'; params: { max: number } }
  | { key: 'numberField.whole'; params: Record<string, never> }
  | { key: 'numberField.decimals'; params: { decimals: number } };

/** How many digits a number has after its decimal point (1e-7 counts 7). */
export function decimalsOf(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** Why `value` does not fit `limits`, or null when it does (an empty field is `required`'s job). */
export function numberProblem(
  value: number | null | undefined,
  limits: NumberLimits,
): NumberProblem | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return null;
  const decimals = limits.integer
    ? 0
    : limits.currency !== undefined
      ? currencyDigits(limits.currency)
      : limits.decimals;
  if (decimals === 0 && !Number.isInteger(value)) return { key: 'numberField.whole', params: {} };
  if (decimals !== undefined && decimals > 0 && decimalsOf(value) > decimals)
    return { key: 'numberField.decimals', params: { decimals } };
  if (limits.min !== undefined && value < limits.min)
    return { key: 'numberField.tooSmall', params: { min: limits.min } };
  if (limits.max !== undefined && value > limits.max)
    return { key: 'numberField.tooBig', params: { max: limits.max } };
  return null;
}

/** The message for `value` against `limits` in the user's language, or undefined when it fits. */
export function numberProblemText(
  value: number | null | undefined,
  limits: NumberLimits,
  t: TFunction,
): string | undefined {
  const problem = numberProblem(value, limits);
  return problem ? t(problem.key, problem.params) : undefined;
}

/**
 * The Form.Item rules of a NumberInput with the same bounds: the field keeps what was typed
 * (NumberInput never clamps or rounds it) and the form refuses it with a message on the field.
 *
 * @example
 * <Form.Item name="points" rules={numberRules({ min: 1, max: 1_000_000, integer: true }, t)}>
 *   <NumberInput min={1} max={1_000_000} precision={0} />
 * </Form.Item>
 */
export function numberRules(limits: NumberLimits, t: TFunction): FormRule[] {
  return [
    {
      validator: (_, value: number | null | undefined) => {
        const text = numberProblemText(value, limits, t);
        return text === undefined ? Promise.resolve() : Promise.reject(new Error(text));
      },
    },
  ];
}
