import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { majorToMinor, minorToMajor } from '../../i18n/format.ts';
import {
  type DesignerTabProps,
  FactorInput,
  MoneyInput,
  useFocusAdded,
  useProgramPatchForm,
  WholeNumberInput,
} from './designer-fields.tsx';
import { labelled } from '../../forms/form-fields.tsx';
import type { LoyaltyProgram, TierConfig } from './loyalty.api.ts';

type Metric = TierConfig['metric'];
type Privileges = TierConfig['levels'][number]['privileges'];

interface TiersForm {
  enabled: boolean;
  tiers: {
    metric: Metric;
    window: {
      kind: TierConfig['window']['kind'];
      months?: number | null;
      period?: 'quarter' | 'year';
    };
    graceDays: number;
    downgrade: TierConfig['downgrade'];
    levels: { code: string; name: string; threshold: number | null; privileges: Privileges }[];
  };
}

const noPrivileges: Privileges = {
  earnMultiplier: 1,
  exclusiveRewards: false,
  priorityService: false,
  birthdayGiftPoints: 0,
  earlyAccess: false,
};

function formOf(program: LoyaltyProgram, firstLevelName: string): TiersForm {
  const tiers = program.tiers;
  if (!tiers)
    return {
      enabled: false,
      tiers: {
        metric: 'spend',
        window: { kind: 'calendar', period: 'year', months: 12 },
        graceDays: 30,
        downgrade: 'oneLevel',
        levels: [{ code: 'member', name: firstLevelName, threshold: 0, privileges: noPrivileges }],
      },
    };
  const money = tiers.metric === 'spend';
  return {
    enabled: true,
    tiers: {
      metric: tiers.metric,
      window: { months: 12, period: 'year', ...tiers.window },
      graceDays: tiers.graceDays,
      downgrade: tiers.downgrade,
      levels: tiers.levels.map((level) => ({
        ...level,
        threshold: money ? minorToMajor(level.threshold, program.currency) : level.threshold,
      })),
    },
  };
}

function configOf(values: TiersForm, currency: string): TierConfig | null {
  if (!values.enabled) return null;
  const { tiers } = values;
  const window: TierConfig['window'] =
    tiers.window.kind === 'rolling'
      ? { kind: 'rolling', months: tiers.window.months ?? 12 }
      : tiers.window.kind === 'calendar'
        ? { kind: 'calendar', period: tiers.window.period ?? 'year' }
        : { kind: 'anniversary' };
  return {
    metric: tiers.metric,
    window,
    graceDays: tiers.graceDays,
    downgrade: tiers.downgrade,
    levels: tiers.levels.map((level) => ({
      code: level.code.trim(),
      name: level.name.trim(),
      threshold:
        tiers.metric === 'spend'
          ? majorToMinor(level.threshold ?? 0, currency)
          : Math.round(level.threshold ?? 0),
      privileges: { ...noPrivileges, ...level.privileges },
    })),
  };
}

/** Tiers: what qualifies, over which window, the levels and their privileges. */
export function TiersTab(props: DesignerTabProps) {
  const { t } = useTranslation();
  const { program, canDesign } = props;
  const firstLevel = t('loyalty.tiersDesigner.firstLevel');
  const { form, formProps, saveBar } = useProgramPatchForm(
    props,
    (current) => formOf(current, firstLevel),
    (values: TiersForm) => ({ tiers: configOf(values, program.currency) }),
  );
  const enabled = Form.useWatch('enabled', form);
  const metric = Form.useWatch(['tiers', 'metric'], form);
  const windowKind = Form.useWatch(['tiers', 'window', 'kind'], form);
  const required = [{ required: true, message: t('loyalty.designer.required') }];
  const newLevel = useFocusAdded();
  return (
    <Form<TiersForm> name="tiers" {...formProps}>
      <Typography.Paragraph type="secondary">
        {t('loyalty.tiersDesigner.intro')}
      </Typography.Paragraph>
      <Form.Item name="enabled" valuePropName="checked" label={t('loyalty.tiersDesigner.enabled')}>
        <Switch />
      </Form.Item>
      {enabled ? (
        <>
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <Form.Item name={['tiers', 'metric']} label={t('loyalty.tiersDesigner.metric')}>
                <Select
                  options={labelled(
                    ['spend', 'points', 'purchases', 'visits'] as const,
                    t,
                    'loyalty.tiersDesigner.metrics',
                  )}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={6}>
              <Form.Item
                name={['tiers', 'window', 'kind']}
                label={t('loyalty.tiersDesigner.window')}
              >
                <Select
                  options={labelled(
                    ['calendar', 'rolling', 'anniversary'] as const,
                    t,
                    'loyalty.tiersDesigner.windows',
                  )}
                />
              </Form.Item>
            </Col>
            {windowKind === 'rolling' ? (
              <Col xs={12} md={4}>
                <Form.Item
                  name={['tiers', 'window', 'months']}
                  label={t('loyalty.tiersDesigner.windowMonths')}
                  rules={[...required, ...numberRules({ min: 1, max: 60, integer: true }, t)]}
                >
                  <WholeNumberInput min={1} max={60} />
                </Form.Item>
              </Col>
            ) : null}
            {windowKind === 'calendar' ? (
              <Col xs={12} md={4}>
                <Form.Item
                  name={['tiers', 'window', 'period']}
                  label={t('loyalty.tiersDesigner.windowPeriod')}
                >
                  <Select
                    options={labelled(['quarter', 'year'] as const, t, 'loyalty.designer.periods')}
                  />
                </Form.Item>
              </Col>
            ) : null}
            <Col xs={12} md={4}>
              <Form.Item
                name={['tiers', 'graceDays']}
                label={t('loyalty.tiersDesigner.graceDays')}
                rules={[...required, ...numberRules({ min: 0, max: 366, integer: true }, t)]}
              >
                <WholeNumberInput max={366} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name={['tiers', 'downgrade']} label={t('loyalty.tiersDesigner.downgrade')}>
            <Radio.Group
              options={labelled(
                ['oneLevel', 'toQualified'] as const,
                t,
                'loyalty.tiersDesigner.downgrades',
              )}
            />
          </Form.Item>
          <Typography.Title level={5}>{t('loyalty.tiersDesigner.levels')}</Typography.Title>
          <Form.List name={['tiers', 'levels']}>
            {(fields, { add, remove }) => (
              <Space orientation="vertical" size={12} className="full-width">
                {fields.map((field, index) => (
                  <Card
                    size="small"
                    key={field.key}
                    data-testid="tier-level"
                    title={t('loyalty.tiersDesigner.level', { number: index + 1 })}
                    extra={
                      canDesign && fields.length > 1 ? (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined aria-hidden />}
                          onClick={() => remove(field.name)}
                          aria-label={t('loyalty.tiersDesigner.removeLevel', { number: index + 1 })}
                        />
                      ) : null
                    }
                  >
                    <Row gutter={12}>
                      <Col xs={12} md={6}>
                        <Form.Item
                          name={[field.name, 'code']}
                          label={t('loyalty.tiersDesigner.code')}
                          rules={[
                            ...required,
                            {
                              pattern: /^[A-Za-z0-9_-]{1,40}$/,
                              message: t('loyalty.rule.idPattern'),
                            },
                          ]}
                        >
                          <Input maxLength={40} />
                        </Form.Item>
                      </Col>
                      <Col xs={12} md={10}>
                        <Form.Item
                          name={[field.name, 'name']}
                          label={t('loyalty.tiersDesigner.name')}
                          rules={[{ ...required[0], whitespace: true }]}
                        >
                          <Input maxLength={100} {...newLevel.focusProps(field.name)} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={8}>
                        <Form.Item
                          name={[field.name, 'threshold']}
                          label={t(`loyalty.tiersDesigner.thresholds.${metric ?? 'spend'}`)}
                          dependencies={
                            index > 0 ? [['tiers', 'levels', index - 1, 'threshold']] : []
                          }
                          rules={[
                            ...required,
                            ...numberRules(
                              metric === 'spend'
                                ? { min: 0, currency: program.currency }
                                : { min: 0, integer: true },
                              t,
                            ),
                            ({ getFieldValue }) => ({
                              validator: (_rule, value: number | null) => {
                                if (index === 0 || value === null || value === undefined)
                                  return Promise.resolve();
                                const previous = getFieldValue([
                                  'tiers',
                                  'levels',
                                  index - 1,
                                  'threshold',
                                ]) as number | null;
                                return previous !== null && value <= previous
                                  ? Promise.reject(new Error(t('loyalty.tiersDesigner.ascending')))
                                  : Promise.resolve();
                              },
                            }),
                          ]}
                        >
                          {metric === 'spend' ? (
                            <MoneyInput currency={program.currency} />
                          ) : (
                            <WholeNumberInput />
                          )}
                        </Form.Item>
                      </Col>
                    </Row>
                    <Row gutter={12} align="bottom">
                      <Col xs={12} md={6}>
                        <Form.Item
                          name={[field.name, 'privileges', 'earnMultiplier']}
                          label={t('loyalty.tiersDesigner.earnMultiplier')}
                          rules={numberRules({ min: 0, max: 100 }, t)}
                        >
                          <FactorInput step={0.25} />
                        </Form.Item>
                      </Col>
                      <Col xs={12} md={6}>
                        <Form.Item
                          name={[field.name, 'privileges', 'birthdayGiftPoints']}
                          label={t('loyalty.tiersDesigner.birthdayGiftPoints')}
                          rules={numberRules({ min: 0, integer: true }, t)}
                        >
                          <WholeNumberInput />
                        </Form.Item>
                      </Col>
                      {(['exclusiveRewards', 'priorityService', 'earlyAccess'] as const).map(
                        (key) => (
                          <Col xs={12} md={4} key={key}>
                            <Form.Item
                              name={[field.name, 'privileges', key]}
                              valuePropName="checked"
                            >
                              <Checkbox>{t(`loyalty.tiersDesigner.privileges.${key}`)}</Checkbox>
                            </Form.Item>
                          </Col>
                        ),
                      )}
                    </Row>
                  </Card>
                ))}
                {canDesign ? (
                  <Button
                    icon={<PlusOutlined aria-hidden />}
                    onClick={() => {
                      add({
                        code: `level${fields.length + 1}`,
                        name: '',
                        threshold: null,
                        privileges: noPrivileges,
                      });
                      newLevel.added(fields.length);
                    }}
                  >
                    {t('loyalty.tiersDesigner.addLevel')}
                  </Button>
                ) : null}
              </Space>
            )}
          </Form.List>
          <Alert
            className="section"
            type="info"
            showIcon
            title={t('loyalty.tiersDesigner.privilegesNote')}
          />
        </>
      ) : null}
      {saveBar}
    </Form>
  );
}
