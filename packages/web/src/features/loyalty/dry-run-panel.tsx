import { useState } from 'react';
import {
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Empty,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { useFormProblem } from '../../api/error-text.tsx';
import { formatNumber, majorToMinor } from '../../i18n/format.ts';
import { instantIn } from '../../i18n/zoned-date.ts';
import { CustomerSearchSelect } from '../customers/customer-search-select.tsx';
import { MoneyInput, TextListSelect, useFocusAdded, WholeNumberInput } from './designer-fields.tsx';
import {
  type DryRunInput,
  type EarnExplanation,
  type EarnRule,
  type LoyaltyProgram,
  useDryRun,
} from './loyalty.api.ts';
import { actionOptions, type ActionKind, describeRule } from './rule-drafts.ts';
import {
  basisText,
  capText,
  earningNotes,
  multiplierReason,
  tierNames,
} from './entry-explanation.ts';
import { clearable } from '../../i18n/antd-config.tsx';

interface DryRunValues {
  event: {
    type: 'purchase' | 'action';
    amount?: number | null;
    lines?: { sku?: string; category?: string; quantity?: number | null; amount?: number | null }[];
    occurredAt?: Dayjs | null;
    action?: ActionKind;
    customAction?: string;
  };
  tier?: string | null;
  segments?: string[];
  customerId?: string | null;
  useDraft?: boolean;
}

/** What the dry run found, step by step, with the rules named as the designer shows them. */
export function DryRunResult({
  result,
  rules,
  program,
}: {
  result: EarnExplanation;
  rules: EarnRule[];
  program: LoyaltyProgram;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const n = (value: number) => formatNumber(value, locale);
  const byId = new Map(rules.map((rule) => [rule.id ?? '', rule]));
  const context = { currency: program.currency, timeZone: program.timeZone, locale };
  const explain = {
    t,
    ...context,
    tierName: tierNames(program),
  };
  const ruleName = (ruleId: string) => {
    if (ruleId.startsWith('tier:'))
      return t('loyalty.dryRun.tierPrivilege', {
        tier: explain.tierName(ruleId.slice('tier:'.length)),
      });
    const rule = byId.get(ruleId);
    return rule?.name ? `${rule.name} (${ruleId})` : ruleId;
  };
  return (
    <div data-testid="dry-run-result" aria-live="polite">
      <Space align="baseline" wrap>
        <Statistic
          title={t('loyalty.dryRun.total')}
          value={n(result.points)}
          data-testid="dry-run-points"
        />
        <Tag>
          {result.rulesVersion === 0
            ? t('loyalty.dryRun.draftRules')
            : t('loyalty.designer.rulesVersion', { version: result.rulesVersion })}
        </Tag>
      </Space>
      {result.steps.length > 0 ? (
        <ol className="dry-run-steps">
          {result.steps.map((step) => {
            const rule = byId.get(step.ruleId);
            return (
              <li key={step.ruleId} data-testid="dry-run-step">
                <Typography.Text strong>{ruleName(step.ruleId)}</Typography.Text>{' '}
                <Tag>{t(`loyalty.rule.kinds.${step.kind}`, { defaultValue: step.kind })}</Tag>
                <div>
                  {t('loyalty.dryRun.base', { points: n(step.basePoints) })}
                  {rule ? ` — ${describeRule(rule, t, context)}` : ''}
                </div>
                <Typography.Text type="secondary" className="dry-run-detail">
                  {basisText(step.basis, explain)}
                </Typography.Text>
                {step.multipliers.map((multiplier, index) => (
                  <div key={index}>
                    {t('loyalty.dryRun.multiplier', {
                      factor: multiplier.factor,
                      rule: ruleName(multiplier.ruleId),
                      reason: multiplierReason(multiplier, explain),
                    })}
                  </div>
                ))}
                {step.cap ? (
                  <div>
                    <Typography.Text type="warning">
                      {t('loyalty.dryRun.capped', { cap: capText(step.cap, explain) })}
                    </Typography.Text>
                  </div>
                ) : null}
                <div>
                  <Typography.Text strong>
                    {t('loyalty.dryRun.stepPoints', { points: n(step.points) })}
                  </Typography.Text>
                </div>
              </li>
            );
          })}
        </ol>
      ) : null}
      {earningNotes(result, explain).map((note, index) => (
        <Typography.Paragraph key={index} type="secondary" className="dry-run-note">
          {note}
        </Typography.Paragraph>
      ))}
    </div>
  );
}

/** Try a purchase or an action against the rules (published, or the ones being edited). */
export function DryRunPanel({
  program,
  draftRules,
}: {
  program: LoyaltyProgram;
  /** The rules being edited, when they differ from the published ones. */
  draftRules: EarnRule[] | null;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DryRunValues>();
  const problem = useFormProblem(form);
  const dryRun = useDryRun(program.id);
  const [tried, setTried] = useState<EarnRule[]>(program.earnRules);
  const newLine = useFocusAdded();
  const type = Form.useWatch(['event', 'type'], form) ?? 'purchase';
  const action = Form.useWatch(['event', 'action'], form);
  const tierOptions = (program.tiers?.levels ?? []).map((level) => ({
    value: level.code,
    label: level.name,
  }));
  const money = (value: number | null | undefined) => majorToMinor(value ?? 0, program.currency);

  function submit(values: DryRunValues) {
    problem.clear();
    const at = values.event.occurredAt;
    const occurredAt = at
      ? instantIn(at.format('YYYY-MM-DD'), at.format('HH:mm'), program.timeZone)
      : undefined;
    const useDraft = Boolean(draftRules && values.useDraft !== false);
    const lines = (values.event.lines ?? []).filter(
      (line) => line.amount !== null && line.amount !== undefined,
    );
    const input: DryRunInput = {
      event:
        values.event.type === 'action'
          ? {
              type: 'action',
              action: values.event.action ?? 'signup',
              ...(values.event.action === 'custom' && values.event.customAction
                ? { customAction: values.event.customAction }
                : {}),
              ...(occurredAt ? { occurredAt } : {}),
            }
          : {
              type: 'purchase',
              amount: money(values.event.amount),
              ...(lines.length
                ? {
                    lines: lines.map((line) => ({
                      ...(line.sku ? { sku: line.sku } : {}),
                      ...(line.category ? { category: line.category } : {}),
                      quantity: line.quantity ?? 1,
                      amount: money(line.amount),
                    })),
                  }
                : {}),
              ...(occurredAt ? { occurredAt } : {}),
            },
      ...(values.customerId ? { customerId: values.customerId } : {}),
      ...(values.tier ? { tier: values.tier } : {}),
      ...(values.segments?.length ? { segments: values.segments } : {}),
      ...(useDraft && draftRules ? { earnRules: draftRules } : {}),
    };
    setTried(useDraft && draftRules ? draftRules : program.earnRules);
    dryRun.mutate(input, { onError: problem.report });
  }

  return (
    <Card size="small" title={t('loyalty.dryRun.title')} data-testid="dry-run" className="dry-run">
      <Typography.Paragraph type="secondary">{t('loyalty.dryRun.intro')}</Typography.Paragraph>
      <Form<DryRunValues>
        form={form}
        name="dryRun"
        layout="vertical"
        initialValues={{ event: { type: 'purchase', lines: [] }, useDraft: true }}
        onFinish={submit}
      >
        <Form.Item name={['event', 'type']} label={t('loyalty.dryRun.eventType')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'purchase', label: t('loyalty.dryRun.purchase') },
              { value: 'action', label: t('loyalty.dryRun.action') },
            ]}
          />
        </Form.Item>
        {type === 'purchase' ? (
          <>
            <Form.Item
              name={['event', 'amount']}
              label={t('loyalty.dryRun.amount')}
              rules={[
                { required: true, message: t('loyalty.dryRun.amountRequired') },
                ...numberRules({ min: 0, currency: program.currency }, t),
              ]}
            >
              <MoneyInput currency={program.currency} />
            </Form.Item>
            <Form.List name={['event', 'lines']}>
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Row gutter={8} key={field.key} align="top" data-testid="dry-run-line">
                      <Col span={6}>
                        <Form.Item name={[field.name, 'sku']} label={t('loyalty.dryRun.sku')}>
                          <Input maxLength={200} {...newLine.focusProps(field.name)} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item
                          name={[field.name, 'category']}
                          label={t('loyalty.dryRun.category')}
                        >
                          <Input maxLength={200} />
                        </Form.Item>
                      </Col>
                      <Col span={4}>
                        <Form.Item
                          name={[field.name, 'quantity']}
                          label={t('loyalty.dryRun.quantity')}
                          rules={numberRules({ min: 1, integer: true }, t)}
                        >
                          <WholeNumberInput min={1} />
                        </Form.Item>
                      </Col>
                      <Col span={6}>
                        <Form.Item
                          name={[field.name, 'amount']}
                          label={t('loyalty.dryRun.lineAmount')}
                          rules={[
                            { required: true, message: t('loyalty.designer.required') },
                            ...numberRules({ min: 0, currency: program.currency }, t),
                          ]}
                        >
                          <MoneyInput currency={program.currency} />
                        </Form.Item>
                      </Col>
                      <Col span={2} className="dry-run-line-remove">
                        <Button
                          type="text"
                          icon={<DeleteOutlined aria-hidden />}
                          onClick={() => remove(field.name)}
                          aria-label={t('loyalty.dryRun.removeLine')}
                        />
                      </Col>
                    </Row>
                  ))}
                  <Form.Item>
                    <Button
                      icon={<PlusOutlined aria-hidden />}
                      onClick={() => {
                        add({ quantity: 1 });
                        newLine.added(fields.length);
                      }}
                      size="small"
                    >
                      {t('loyalty.dryRun.addLine')}
                    </Button>
                  </Form.Item>
                </>
              )}
            </Form.List>
          </>
        ) : (
          <Row gutter={8}>
            <Col span={12}>
              <Form.Item
                name={['event', 'action']}
                label={t('loyalty.rule.action')}
                initialValue="signup"
              >
                <Select options={actionOptions(t)} />
              </Form.Item>
            </Col>
            {action === 'custom' ? (
              <Col span={12}>
                <Form.Item name={['event', 'customAction']} label={t('loyalty.rule.customAction')}>
                  <Input maxLength={100} />
                </Form.Item>
              </Col>
            ) : null}
          </Row>
        )}
        <Row gutter={8}>
          <Col xs={24} md={12}>
            <Form.Item
              name={['event', 'occurredAt']}
              label={t('loyalty.dryRun.occurredAt', { timeZone: program.timeZone })}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                placeholder={t('loyalty.dryRun.now')}
                className="full-width"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="tier" label={t('loyalty.dryRun.tier')}>
              <Select
                allowClear={clearable(t)}
                options={tierOptions}
                placeholder={t('loyalty.dryRun.tierPlaceholder')}
                disabled={tierOptions.length === 0}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="segments" label={t('loyalty.rule.segments')}>
              <TextListSelect placeholder={t('loyalty.rule.segmentsPlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="customerId"
              label={t('loyalty.dryRun.customer')}
              extra={t('loyalty.dryRun.customerHelp')}
            >
              <CustomerSearchSelect
                placeholder={t('loyalty.dryRun.customerPlaceholder')}
                noMatch={t('loyalty.dryRun.noCustomer')}
              />
            </Form.Item>
          </Col>
        </Row>
        {draftRules ? (
          <Form.Item name="useDraft" valuePropName="checked">
            <Checkbox>{t('loyalty.dryRun.useDraft')}</Checkbox>
          </Form.Item>
        ) : null}
        {problem.alert}
        <Button type="primary" htmlType="submit" loading={dryRun.isPending}>
          {t('loyalty.dryRun.run')}
        </Button>
      </Form>
      <div className="section">
        {dryRun.data ? (
          <DryRunResult result={dryRun.data} rules={tried} program={program} />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('loyalty.dryRun.empty')} />
        )}
      </div>
    </Card>
  );
}
