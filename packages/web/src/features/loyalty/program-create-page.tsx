import { useMemo, useRef } from 'react';
import { Button, Card, Col, Form, Result, Row, Select, Space, Switch, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { Link, useNavigate } from 'react-router';
import { roleCan } from '@fidelis/contracts';
import { useFormProblem } from '../../api/error-text.tsx';
import { majorToMinor } from '../../i18n/format.ts';
import { useCurrentSession } from '../platform/session.ts';
import { MoneyInput, WholeNumberInput } from './designer-fields.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import { useCreateProgram } from './loyalty.api.ts';
import {
  defaultSettings,
  ProgramSettingsFields,
  settingsUpdate,
  type SettingsValues,
} from './program-settings-fields.tsx';
import './loyalty.i18n.ts';
import './loyalty-designer.i18n.ts';
import { searchIcon, useMessage } from '../../i18n/antd-config.tsx';

interface CreateValues extends SettingsValues {
  currency: string;
  timeZone: string;
  baseRule: boolean;
  basePoints: number;
  basePer: number;
}

function supported(key: 'currency' | 'timeZone', fallback: string[]): string[] {
  try {
    return Intl.supportedValuesOf(key);
  } catch {
    return fallback;
  }
}

/** /loyalty/programs/new: a program's name, currency, zone and settings, and a first rule. */
export function ProgramCreatePage() {
  const { t } = useTranslation();
  const message = useMessage();
  const session = useCurrentSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<CreateValues>();
  const problem = useFormProblem(form);
  const create = useCreateProgram();
  // One key per program the designer means: a resubmit after a lost answer replays it instead of
  // creating a second program; a changed form starts a new one.
  const key = useRef<string | null>(null);
  const currency = Form.useWatch('currency', form) ?? session.tenant.currency;
  const baseRule = Form.useWatch('baseRule', form);
  const currencies = useMemo(
    () =>
      supported('currency', ['CNY', 'USD', 'EUR', 'HKD', 'JPY']).map((value) => ({
        value,
        label: value,
      })),
    [],
  );
  const zones = useMemo(
    () => supported('timeZone', ['Asia/Shanghai', 'UTC']).map((value) => ({ value, label: value })),
    [],
  );

  if (!roleCan(session.user.role, 'loyalty:design')) {
    return (
      <Result
        status="403"
        title={t('loyalty.designer.createForbidden')}
        extra={<Link to="/loyalty">{t('loyalty.designer.backToLoyalty')}</Link>}
      />
    );
  }

  function submit(values: CreateValues) {
    problem.clear();
    key.current ??= newIdempotencyKey();
    create.mutate(
      {
        idempotencyKey: key.current,
        input: {
          ...settingsUpdate(values, values.currency),
          currency: values.currency,
          timeZone: values.timeZone,
          earnRules: values.baseRule
            ? [
                {
                  kind: 'spend',
                  id: 'base',
                  name: t('loyalty.designer.baseRuleName'),
                  points: values.basePoints,
                  per: majorToMinor(values.basePer, values.currency),
                },
              ]
            : [],
        },
      },
      {
        onSuccess: (program) => {
          key.current = null;
          void message.success(t('loyalty.designer.created', { name: program.name }));
          void navigate(`/loyalty/programs/${program.id}?tab=rules`);
        },
        onError: problem.report,
      },
    );
  }

  return (
    <>
      <div className="page-header">
        <Space align="center" wrap>
          <Link to="/loyalty" aria-label={t('loyalty.designer.backToLoyalty')}>
            <ArrowLeftOutlined aria-hidden />
          </Link>
          <Typography.Title level={3}>{t('loyalty.designer.createTitle')}</Typography.Title>
        </Space>
      </div>
      <Card data-testid="program-create">
        <Form<CreateValues>
          form={form}
          name="program"
          layout="vertical"
          onValuesChange={() => {
            key.current = null;
          }}
          initialValues={{
            ...defaultSettings,
            currency: session.tenant.currency,
            timeZone: session.tenant.timeZone,
            baseRule: true,
            basePoints: 1,
            basePer: 1,
          }}
          onFinish={submit}
          scrollToFirstError
        >
          <ProgramSettingsFields currency={currency} autoFocus />
          <Row gutter={16}>
            {(
              [
                ['currency', currencies],
                ['timeZone', zones],
              ] as const
            ).map(([key, options]) => (
              <Col xs={24} md={8} key={key}>
                <Form.Item
                  name={key}
                  label={t(`loyalty.designer.${key}`)}
                  extra={t(`loyalty.designer.${key}Help`)}
                >
                  <Select showSearch={{ searchIcon }} options={options} />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Typography.Title level={5}>{t('loyalty.designer.firstRule')}</Typography.Title>
          <Row gutter={16} align="bottom">
            <Col xs={24} md={8}>
              <Form.Item
                name="baseRule"
                valuePropName="checked"
                label={t('loyalty.designer.baseRule')}
              >
                <Switch />
              </Form.Item>
            </Col>
            {baseRule ? (
              <>
                <Col xs={12} md={8}>
                  <Form.Item
                    name="basePoints"
                    label={t('loyalty.rule.points')}
                    rules={[
                      { required: true, message: t('loyalty.designer.required') },
                      ...numberRules({ min: 1, integer: true }, t),
                    ]}
                  >
                    <WholeNumberInput min={1} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={8}>
                  <Form.Item
                    name="basePer"
                    label={t('loyalty.rule.per')}
                    rules={[
                      { required: true, message: t('loyalty.designer.required') },
                      ...numberRules({ min: 0.01, currency }, t),
                    ]}
                  >
                    <MoneyInput currency={currency} min={0.01} />
                  </Form.Item>
                </Col>
              </>
            ) : null}
          </Row>
          {problem.alert}
          <Space className="section">
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {t('loyalty.designer.create')}
            </Button>
            <Link to="/loyalty">{t('common.cancel')}</Link>
          </Space>
        </Form>
      </Card>
    </>
  );
}
