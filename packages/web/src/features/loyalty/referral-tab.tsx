import { Col, Form, Row, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { majorToMinor, minorToMajor } from '../../i18n/format.ts';
import {
  type DesignerTabProps,
  MoneyInput,
  useProgramPatchForm,
  WholeNumberInput,
} from './designer-fields.tsx';
import type { LoyaltyProgram } from './loyalty.api.ts';

interface ReferralValues {
  enabled: boolean;
  referral: { referrerPoints: number; refereePoints: number; minSpend: number | null };
}

function formOf(program: LoyaltyProgram): ReferralValues {
  const scheme = program.referral;
  return {
    enabled: scheme !== null,
    referral: scheme
      ? { ...scheme, minSpend: minorToMajor(scheme.minSpend, program.currency) }
      : { referrerPoints: 200, refereePoints: 100, minSpend: 0 },
  };
}

function updateOf(values: ReferralValues, currency: string) {
  return {
    referral: values.enabled
      ? {
          referrerPoints: values.referral.referrerPoints,
          refereePoints: values.referral.refereePoints,
          minSpend: majorToMinor(values.referral.minSpend ?? 0, currency),
        }
      : null,
  };
}

/** Referral: what the referrer and the new customer get, after which first purchase. */
export function ReferralTab(props: DesignerTabProps) {
  const { t } = useTranslation();
  const { program } = props;
  const { form, formProps, saveBar } = useProgramPatchForm(
    props,
    formOf,
    (values: ReferralValues) => updateOf(values, program.currency),
  );
  const enabled = Form.useWatch('enabled', form);
  return (
    <Form<ReferralValues> name="referral" {...formProps}>
      <Typography.Paragraph type="secondary">
        {t('loyalty.referralDesigner.intro')}
      </Typography.Paragraph>
      <Form.Item
        name="enabled"
        valuePropName="checked"
        label={t('loyalty.referralDesigner.enabled')}
      >
        <Switch />
      </Form.Item>
      {enabled ? (
        <Row gutter={16}>
          {(['referrerPoints', 'refereePoints'] as const).map((key) => (
            <Col xs={24} md={8} key={key}>
              <Form.Item
                name={['referral', key]}
                label={t(`loyalty.referralDesigner.${key}`)}
                rules={[
                  { required: true, message: t('loyalty.designer.required') },
                  ...numberRules({ min: 0, integer: true }, t),
                ]}
              >
                <WholeNumberInput />
              </Form.Item>
            </Col>
          ))}
          <Col xs={24} md={8}>
            <Form.Item
              name={['referral', 'minSpend']}
              label={t('loyalty.referralDesigner.minSpend')}
              extra={t('loyalty.referralDesigner.minSpendHelp')}
              rules={numberRules({ min: 0, currency: program.currency }, t)}
            >
              <MoneyInput currency={program.currency} />
            </Form.Item>
          </Col>
        </Row>
      ) : null}
      <Typography.Paragraph type="secondary">
        {t('loyalty.referralDesigner.howTo')}
      </Typography.Paragraph>
      {saveBar}
    </Form>
  );
}
