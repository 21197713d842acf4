import { InputNumber, type InputNumberProps } from 'antd';

/**
 * The app's number field: antd's InputNumber without its step buttons. Those buttons carry an
 * English aria-label ("Increase Value") that no antd locale translates (an `upHandler` only
 * replaces the icon inside them), Tab never reaches them, and the numbers here (points, money,
 * days, rates) are typed rather than nudged by one. ↑ and ↓ still step the focused field.
 */
export function NumberInput(props: Omit<InputNumberProps<number>, 'controls'>) {
  return <InputNumber<number> {...props} controls={false} />;
}
