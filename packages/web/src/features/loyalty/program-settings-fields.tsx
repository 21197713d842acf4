// The settings a program is created with and changed by: pending period, expiry, refunds,
// point value, cashback. Shared by the create page and the designer's settings tab.
import { Col, Form, Input, Radio, Row, Select, Switch } from 'antd';
import { NumberInput } from '../../forms/number-input.tsx';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { currencyDigits, minorToMajor } from '../../i18n/format.ts';
import type { ExpiryPolicy, LoyaltyProgram, ProgramUpdate } from './loyalty.api.ts';
import { currencySymbol, WholeNumberInput } from './designer-fields.tsx';
import { labelled } from '../../forms/form-fields.tsx';

export interface SettingsValues {
  name: string;
  status?: 'active' | 'paused';
  pendingDays: number;
  expiry: {
    kind: ExpiryPolicy['kind'];
    months?: number | null;
    period?: 'month' | 'quarter' | 'year' | null;
    extraPeriods?: number | null;
  };
  expiryWarningDays: number;
  refundPolicy: 'clawback' | 'negative';
  /** In major units (what one point costs, e.g. ¥0.01). */
  pointValueMinor: number;
  cashbackEnabled: boolean;
  /** In percent in the form (2.5), basis points in the API (250). */
  cashback?: { rateBasisPoints?: number | null };
}

export const defaultSettings: SettingsValues = {
  name: '',
  pendingDays: 0,
  expiry: { kind: 'none', months: 24, period: 'year', extraPeriods: 0 },
  expiryWarningDays: 30,
  refundPolicy: 'clawback',
  pointValueMinor: 0.01,
  cashbackEnabled: false,
  cashback: { rateBasisPoints: 1 },
};

export function settingsOf(program: LoyaltyProgram): SettingsValues {
  return {
    name: program.name,
    status: program.status,
    pendingDays: program.pendingDays,
    expiry: { ...defaultSettings.expiry, ...program.expiry },
    expiryWarningDays: program.expiryWarningDays,
    refundPolicy: program.refundPolicy,
    pointValueMinor: minorToMajor(program.pointValueMinor, program.currency),
    cashbackEnabled: program.cashback !== null,
    cashback: {
      rateBasisPoints: program.cashback ? program.cashback.rateBasisPoints / 100 : 1,
    },
  };
}

function expiryOf(expiry: SettingsValues['expiry']): ExpiryPolicy {
  switch (expiry.kind) {
    case 'none':
      return { kind: 'none' };
    case 'rolling':
      return { kind: 'rolling', months: expiry.months ?? 24 };
    case 'inactivity':
      return { kind: 'inactivity', months: expiry.months ?? 12 };
    case 'endOfPeriod':
      return {
        kind: 'endOfPeriod',
        period: expiry.period ?? 'year',
        extraPeriods: expiry.extraPeriods ?? 0,
      };
  }
}

/** The API's fields for the form's values. */
export function settingsUpdate(values: SettingsValues, currency: string) {
  return {
    name: values.name.trim(),
    pendingDays: values.pendingDays,
    expiry: expiryOf(values.expiry),
    expiryWarningDays: values.expiryWarningDays,
    refundPolicy: values.refundPolicy,
    // A point may be worth a fraction of a minor unit (0.5 fen): keep the fraction.
    pointValueMinor:
      Math.round(values.pointValueMinor * 10 ** currencyDigits(currency) * 10_000) / 10_000,
    cashback: values.cashbackEnabled
      ? { rateBasisPoints: Math.round((values.cashback?.rateBasisPoints ?? 0) * 100) }
      : null,
    ...(values.status ? { status: values.status } : {}),
  } satisfies ProgramUpdate;
}

export function ProgramSettingsFields({
  currency,
  withStatus = false,
  autoFocus = false,
}: {
  currency: string;
  withStatus?: boolean;
  autoFocus?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const form = Form.useFormInstance<SettingsValues>();
  const expiryKind = Form.useWatch(['expiry', 'kind'], form);
  const cashbackEnabled = Form.useWatch('cashbackEnabled', form);
  const days = t('loyalty.designer.days');
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} md={withStatus ? 16 : 24}>
          <Form.Item
            name="name"
            label={t('loyalty.designer.name')}
            rules={[
              { required: true, whitespace: true, message: t('loyalty.designer.nameRequired') },
            ]}
          >
            <Input maxLength={200} autoFocus={autoFocus} />
          </Form.Item>
        </Col>
        {withStatus ? (
          <Col xs={24} md={8}>
            <Form.Item
              name="status"
              label={t('loyalty.designer.status')}
              extra={t('loyalty.designer.statusHelp')}
            >
              <Radio.Group
                optionType="button"
                options={labelled(['active', 'paused'] as const, t, 'loyalty.status')}
              />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
      <Row gutter={16}>
        {(['pendingDays', 'expiryWarningDays'] as const).map((key) => (
          <Col xs={24} md={8} key={key}>
            <Form.Item
              name={key}
              label={t(`loyalty.designer.${key}`)}
              extra={t(`loyalty.designer.${key}Help`)}
              rules={[
                { required: true, message: t('loyalty.designer.required') },
                ...numberRules({ min: 0, max: 365, integer: true }, t),
              ]}
            >
              <WholeNumberInput max={365} suffix={days} />
            </Form.Item>
          </Col>
        ))}
        <Col xs={24} md={8}>
          <Form.Item
            name="pointValueMinor"
            label={t('loyalty.designer.pointValue')}
            extra={t('loyalty.designer.pointValueHelp')}
            rules={[
              { required: true, message: t('loyalty.designer.required') },
              ...numberRules({ min: 0, decimals: 4 }, t),
            ]}
          >
            <NumberInput
              min={0}
              step={0.01}
              precision={4}
              prefix={currencySymbol(currency, i18n.language)}
              className="full-width"
            />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name={['expiry', 'kind']} label={t('loyalty.designer.expiry')}>
            <Select
              options={labelled(
                ['none', 'rolling', 'endOfPeriod', 'inactivity'] as const,
                t,
                'loyalty.designer.expiryKinds',
              )}
            />
          </Form.Item>
        </Col>
        {expiryKind === 'rolling' || expiryKind === 'inactivity' ? (
          <Col xs={24} md={8}>
            <Form.Item
              name={['expiry', 'months']}
              label={t(`loyalty.designer.expiryMonths.${expiryKind}`)}
              rules={[
                { required: true, message: t('loyalty.designer.required') },
                ...numberRules({ min: 1, max: 120, integer: true }, t),
              ]}
            >
              <WholeNumberInput min={1} max={120} suffix={t('loyalty.designer.months')} />
            </Form.Item>
          </Col>
        ) : null}
        {expiryKind === 'endOfPeriod' ? (
          <>
            <Col xs={12} md={8}>
              <Form.Item name={['expiry', 'period']} label={t('loyalty.designer.expiryPeriod')}>
                <Select
                  options={labelled(
                    ['month', 'quarter', 'year'] as const,
                    t,
                    'loyalty.designer.periods',
                  )}
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <Form.Item
                name={['expiry', 'extraPeriods']}
                label={t('loyalty.designer.extraPeriods')}
                extra={t('loyalty.designer.extraPeriodsHelp')}
                rules={numberRules({ min: 0, max: 20, integer: true }, t)}
              >
                <WholeNumberInput max={20} />
              </Form.Item>
            </Col>
          </>
        ) : null}
      </Row>
      <Form.Item name="refundPolicy" label={t('loyalty.designer.refundPolicy')}>
        <Radio.Group
          options={labelled(
            ['clawback', 'negative'] as const,
            t,
            'loyalty.designer.refundPolicies',
          )}
        />
      </Form.Item>
      <Row gutter={16} align="bottom">
        <Col xs={24} md={8}>
          <Form.Item
            name="cashbackEnabled"
            label={t('loyalty.designer.cashback')}
            valuePropName="checked"
            extra={t('loyalty.designer.cashbackHelp')}
          >
            <Switch />
          </Form.Item>
        </Col>
        {cashbackEnabled ? (
          <Col xs={24} md={8}>
            <Form.Item
              name={['cashback', 'rateBasisPoints']}
              label={t('loyalty.designer.cashbackRate')}
              rules={[
                { required: true, message: t('loyalty.designer.required') },
                ...numberRules({ min: 0.01, max: 100, decimals: 2 }, t),
              ]}
            >
              <NumberInput
                min={0.01}
                max={100}
                step={0.5}
                precision={2}
                suffix="%"
                className="full-width"
              />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
    </>
  );
}
