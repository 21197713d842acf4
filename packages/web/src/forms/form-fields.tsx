// Form inputs every feature's forms share: translated options, calendar days as YYYY-MM-DD.
import { DatePicker, Form, type FormItemProps } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';

/** Options of a select or radio group: each value labelled by its translation under `prefix`. */
export function labelled<T extends string>(values: readonly T[], t: TFunction, prefix: string) {
  return values.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
}

/** Makes a DatePicker hold its value as "YYYY-MM-DD" in the form. */
export const dateStringItem: Pick<FormItemProps, 'getValueProps' | 'normalize'> = {
  getValueProps: (value: unknown) => ({
    value: typeof value === 'string' && value ? dayjs(value) : null,
  }),
  normalize: (value: Dayjs | null) => (value ? value.format('YYYY-MM-DD') : null),
};

export function DateField(props: FormItemProps) {
  return (
    <Form.Item {...props} {...dateStringItem}>
      <DatePicker className="full-width" />
    </Form.Item>
  );
}
