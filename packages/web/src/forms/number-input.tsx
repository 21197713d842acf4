import { useRef, type ComponentRef, type KeyboardEvent, type Ref } from 'react';
import { InputNumber, type InputNumberProps } from 'antd';

/** What a NumberInput's `ref` holds: its input, with `focus({ cursor: 'all' })`. */
export type NumberInputRef = ComponentRef<typeof InputNumber>;

const stepKeys = new Set(['ArrowUp', 'ArrowDown', 'Up', 'Down']);

/** `value` within [min, max]: where ↑ and ↓ may take a field. */
export function clampNumber(value: number, min?: number, max?: number): number {
  if (max !== undefined && value > max) return max;
  if (min !== undefined && value < min) return min;
  return value;
}

/**
 * How the field shows a number it holds: a money amount with `precision` 2 reads 12.50, never
 * rounded (12.345 stays 12.345, for the form's rules to refuse); what is being typed stays as is.
 */
export function paddedNumberText(text: string, precision: number): string {
  if (!/^-?\d+(\.\d*)?$/.test(text)) return text;
  const [whole, fraction = ''] = text.split('.');
  return fraction.length >= precision ? text : `${whole}.${fraction.padEnd(precision, '0')}`;
}

/**
 * The app's number field: antd's InputNumber without its step buttons. Those buttons carry an
 * English aria-label ("Increase Value") that no antd locale translates (an `upHandler` only
 * replaces the icon inside them), Tab never reaches them, and the numbers here (points, money,
 * days, rates) are typed rather than nudged by one. ↑ and ↓ still step the focused field.
 *
 * It never changes what was typed: antd clamps to `min`/`max` and rounds to `precision` when the
 * field loses focus (5000000 became 1000000, -5 became 1, 1.6 became 2), so those never reach
 * antd here. `min`/`max` only bound ↑ and ↓, `precision` only pads what is shown (12.5 → 12.50);
 * the Form.Item refuses a value outside them with `numberRules` (number-rules.ts).
 */
export function NumberInput({
  min,
  max,
  precision,
  onChange,
  onKeyDown,
  ...props
}: Omit<InputNumberProps<number>, 'controls' | 'formatter' | 'parser'> & {
  ref?: Ref<NumberInputRef>;
}) {
  // antd steps inside its own keydown handler, right after ours: the change it reports then is
  // a step, which stays within min and max.
  const stepping = useRef(false);
  return (
    <InputNumber<number>
      {...props}
      controls={false}
      aria-valuemin={min}
      aria-valuemax={max}
      {...(precision !== undefined && precision > 0
        ? {
            formatter: (
              value: number | string | undefined,
              info: { userTyping: boolean; input: string },
            ) => (info.userTyping ? info.input : paddedNumberText(String(value ?? ''), precision)),
          }
        : {})}
      onKeyDown={(event: KeyboardEvent<HTMLInputElement>) => {
        stepping.current = stepKeys.has(event.key);
        onKeyDown?.(event);
      }}
      onChange={(value) => {
        const stepped = stepping.current;
        stepping.current = false;
        onChange?.(stepped && value !== null ? clampNumber(value, min, max) : value);
      }}
    />
  );
}
