// Inputs the program designer's forms share: money in major units with the currency's symbol,
// points, free-text lists (dates and translated options: src/forms/form-fields.tsx).
import { Button, Form, Select, Space, type FormInstance } from 'antd';
import { useState, type Ref } from 'react';
import { NumberInput, type NumberInputRef } from '../../forms/number-input.tsx';
import { useTranslation } from 'react-i18next';
import { currencyDigits } from '../../i18n/format.ts';
import { useFormProblem } from '../../api/error-text.tsx';
import { type LoyaltyProgram, type ProgramUpdate, useUpdateProgram } from './loyalty.api.ts';
import { useMessage } from '../../i18n/antd-config.tsx';

export function currencySymbol(currency: string, locale: string): string {
  try {
    return (
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        currencyDisplay: 'narrowSymbol',
      })
        .formatToParts(0)
        .find((part) => part.type === 'currency')?.value ?? currency
    );
  } catch {
    return currency;
  }
}

type NumberProps = {
  id?: string;
  value?: number | null;
  onChange?: (value: number | null) => void;
  disabled?: boolean;
  placeholder?: string;
  min?: number;
  max?: number;
  'aria-label'?: string;
  autoFocus?: boolean;
  ref?: Ref<NumberInputRef>;
};

/** An amount in major units (¥12.50), with as many decimals as the currency has. */
export function MoneyInput({ currency, ...props }: NumberProps & { currency: string }) {
  const { i18n } = useTranslation();
  const digits = currencyDigits(currency);
  return (
    <NumberInput
      {...props}
      min={props.min ?? 0}
      precision={digits}
      prefix={currencySymbol(currency, i18n.language)}
      className="full-width"
    />
  );
}

/** A whole number of points (or days, or units). */
export function WholeNumberInput(props: NumberProps & { suffix?: string }) {
  return <NumberInput {...props} min={props.min ?? 0} precision={0} className="full-width" />;
}

/** A multiplier (×1.5). */
export function FactorInput(props: NumberProps & { step?: number }) {
  return (
    <NumberInput
      {...props}
      min={0}
      max={100}
      step={props.step ?? 0.5}
      prefix="×"
      className="full-width"
    />
  );
}

/** Free text values typed one after another (Enter, comma or space between them). */
export function TextListSelect({
  placeholder,
  ...props
}: {
  id?: string;
  value?: string[];
  onChange?: (value: string[]) => void;
  placeholder?: string;
  disabled?: boolean;
  options?: { value: string; label: string }[];
}) {
  return (
    <Select
      {...props}
      mode="tags"
      tokenSeparators={[',', '，', ' ']}
      placeholder={placeholder}
      {...(props.options ? {} : { open: false })}
      suffixIcon={null}
      className="full-width"
    />
  );
}

/**
 * The row a list's "add" button has just added takes the focus: `added(name)` from the button,
 * with the new row's name (the list's length before the add), and `focusProps(field.name)` on
 * the row's first field, which focuses it as it mounts. Once only: a discard or a save that
 * mounts the rows again leaves the focus where it is.
 */
export function useFocusAdded() {
  const [added, setAdded] = useState<number | null>(null);
  return {
    added: setAdded,
    focusProps: (name: number) =>
      name === added ? { autoFocus: true, onFocus: () => setAdded(null) } : {},
  };
}

export interface DesignerTabProps {
  program: LoyaltyProgram;
  canDesign: boolean;
}

/** Save and discard for a designer form, shown only to those who may change the program. */
export function SaveBar({
  canDesign,
  saving,
  alert,
  onDiscard,
}: {
  canDesign: boolean;
  saving: boolean;
  /** The last failed save's problem, shown above the buttons. */
  alert: React.ReactNode;
  onDiscard: () => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      {alert ? <div className="section">{alert}</div> : null}
      {canDesign ? (
        <Space className="section">
          <Button type="primary" htmlType="submit" loading={saving}>
            {t('loyalty.designer.save')}
          </Button>
          <Button onClick={onDiscard}>{t('loyalty.designer.discard')}</Button>
        </Space>
      ) : null}
    </>
  );
}

/**
 * A designer form that saves part of the program (PATCH): the form's props, and its save bar.
 * After a save the form shows what the server kept; a failed save puts its errors on the fields.
 */
export function useProgramPatchForm<T extends object>(
  { program, canDesign }: DesignerTabProps,
  formOf: (program: LoyaltyProgram) => T,
  updateOf: (values: T) => ProgramUpdate,
) {
  const { t } = useTranslation();
  const message = useMessage();
  const [form] = Form.useForm<T>();
  const problem = useFormProblem(form);
  const update = useUpdateProgram(program.id);
  const formProps = {
    form,
    layout: 'vertical' as const,
    disabled: !canDesign,
    initialValues: formOf(program),
    scrollToFirstError: true,
    onFinish: (values: T) => {
      problem.clear();
      update.mutate(updateOf(values), {
        onSuccess: (saved) => {
          (form as FormInstance).setFieldsValue(formOf(saved));
          void message.success(t('loyalty.designer.saved'));
        },
        onError: problem.report,
      });
    },
  };
  const saveBar = (
    <SaveBar
      canDesign={canDesign}
      saving={update.isPending}
      alert={problem.alert}
      onDiscard={() => form.resetFields()}
    />
  );
  return { form, formProps, saveBar };
}
