import type { ComponentRef, Ref } from 'react';
import { InputNumber, type InputNumberProps } from 'antd';

/** What a NumberInput's `ref` holds: its input, with `focus({ cursor: 'all' })`. */
export type NumberInputRef = ComponentRef<typeof InputNumber>;

/**
 * The app's number field: antd's InputNumber without its step buttons. Those buttons carry an
 * English aria-label ("Increase Value") that no antd locale translates (an `upHandler` only
 * replaces the icon inside them), Tab never reaches them, and the numbers here (points, money,
 * days, rates) are typed rather than nudged by one. ↑ and ↓ still step the focused field.
 */
export function NumberInput(
  props: Omit<InputNumberProps<number>, 'controls'> & { ref?: Ref<NumberInputRef> },
) {
  return <InputNumber<number> {...props} controls={false} />;
}
