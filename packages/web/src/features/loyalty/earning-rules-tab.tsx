import { useMemo } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  Row,
  Select,
  Space,
  Tag,
  Typography,
  type FormListFieldData,
} from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { useFormProblem } from '../../api/error-text.tsx';
import {
  type DesignerTabProps,
  FactorInput,
  MoneyInput,
  TextListSelect,
  useFocusAdded,
  WholeNumberInput,
} from './designer-fields.tsx';
import { DateField, labelled } from '../../forms/form-fields.tsx';
import { DryRunPanel } from './dry-run-panel.tsx';
import { type EarnRule, usePublishRules } from './loyalty.api.ts';
import { RuleVersions } from './rule-versions.tsx';
import {
  actionOptions,
  describeRule,
  draftToRule,
  hasEnded,
  newRuleDraft,
  ruleKinds,
  ruleToDraft,
  type RuleContext,
  type RuleDraft,
  weekdayNames,
} from './rule-drafts.ts';
import { useMessage } from '../../i18n/antd-config.tsx';

interface RulesForm {
  earnRules: RuleDraft[];
}

/** Rules as the API would store them, or null while a draft cannot be converted yet. */
function rulesOf(drafts: RuleDraft[] | undefined, context: RuleContext): EarnRule[] | null {
  if (!drafts) return null;
  try {
    return drafts.map((draft) => draftToRule(draft, context));
  } catch {
    return null;
  }
}

/** JSON with sorted keys: two rule sets are the same whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) =>
    entry && typeof entry === 'object' && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b)))
      : entry,
  );
}

const RULE_ID = /^[A-Za-z0-9_-]{1,40}$/;

function RuleCard({
  field,
  index,
  onRemove,
  drafts,
  context,
  tierOptions,
  canDesign,
  nameFocus,
}: {
  field: FormListFieldData;
  index: number;
  onRemove: () => void;
  drafts: RuleDraft[];
  context: RuleContext;
  tierOptions: { value: string; label: string }[];
  canDesign: boolean;
  /** Focuses the name as the card mounts, for a rule just added. */
  nameFocus: { autoFocus?: boolean; onFocus?: () => void };
}) {
  const { t, i18n } = useTranslation();
  const draft = drafts[index];
  const kind = draft?.kind ?? 'spend';
  const name = (key: string) => [field.name, key];
  const required = [{ required: true, message: t('loyalty.designer.required') }];
  const rule = draft ? (rulesOf([draft], context)?.[0] ?? null) : null;
  const summary = rule ? describeRule(rule, t, { ...context, locale: i18n.language }) : '';
  const scopeFields = (
    <Row gutter={12}>
      <Col xs={24} md={12}>
        <Form.Item
          name={name('skus')}
          label={t('loyalty.rule.skus')}
          extra={t('loyalty.rule.scopeHelp')}
        >
          <TextListSelect placeholder={t('loyalty.rule.skusPlaceholder')} />
        </Form.Item>
      </Col>
      <Col xs={24} md={12}>
        <Form.Item name={name('categories')} label={t('loyalty.rule.categories')}>
          <TextListSelect placeholder={t('loyalty.rule.categoriesPlaceholder')} />
        </Form.Item>
      </Col>
    </Row>
  );
  const pointsField = (
    <Form.Item
      name={name('points')}
      label={t('loyalty.rule.points')}
      rules={[...required, ...numberRules({ min: 1, integer: true }, t)]}
    >
      <WholeNumberInput min={1} />
    </Form.Item>
  );
  const otherRules = drafts
    .filter((other, position) => position !== index && other.kind !== 'multiplier' && other.id)
    .map((other) => ({
      value: other.id,
      label: other.name ? `${other.id} · ${other.name}` : other.id,
    }));
  return (
    <Card
      size="small"
      className="rule-card"
      data-testid="rule-card"
      title={
        <Space wrap>
          <Tag color="blue">{t(`loyalty.rule.kinds.${kind}`)}</Tag>
          <Typography.Text code>{draft?.id}</Typography.Text>
          {draft?.name ? <Typography.Text>{draft.name}</Typography.Text> : null}
          {rule && hasEnded(rule) ? <Tag>{t('loyalty.rule.ended')}</Tag> : null}
        </Space>
      }
      extra={
        canDesign ? (
          <Button
            type="text"
            danger
            icon={<DeleteOutlined aria-hidden />}
            onClick={onRemove}
            aria-label={t('loyalty.rule.remove', { id: draft?.id ?? '' })}
          />
        ) : null
      }
    >
      {summary ? (
        <Typography.Paragraph type="secondary" className="rule-summary" data-testid="rule-summary">
          {summary}
        </Typography.Paragraph>
      ) : null}
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Form.Item name={name('kind')} label={t('loyalty.rule.kind')}>
            <Select options={labelled(ruleKinds, t, 'loyalty.rule.kinds')} />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item
            name={name('id')}
            label={t('loyalty.rule.id')}
            rules={[
              ...required,
              { pattern: RULE_ID, message: t('loyalty.rule.idPattern') },
              {
                validator: (_rule, value: string) =>
                  drafts.filter((other) => other.id === value).length > 1
                    ? Promise.reject(new Error(t('loyalty.rule.idTaken')))
                    : Promise.resolve(),
              },
            ]}
          >
            <Input maxLength={40} />
          </Form.Item>
        </Col>
        <Col xs={12} md={10}>
          <Form.Item name={name('name')} label={t('loyalty.rule.name')}>
            <Input maxLength={200} placeholder={t('loyalty.rule.namePlaceholder')} {...nameFocus} />
          </Form.Item>
        </Col>
      </Row>
      {kind === 'spend' ? (
        <>
          <Row gutter={12}>
            <Col xs={12} md={8}>
              {pointsField}
            </Col>
            <Col xs={12} md={8}>
              <Form.Item
                name={name('per')}
                label={t('loyalty.rule.per')}
                rules={[...required, ...numberRules({ min: 0.01, currency: context.currency }, t)]}
              >
                <MoneyInput currency={context.currency} min={0.01} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name={name('minSpend')}
                label={t('loyalty.rule.minSpend')}
                extra={t('loyalty.rule.minSpendHelp')}
                rules={numberRules({ min: 0, currency: context.currency }, t)}
              >
                <MoneyInput currency={context.currency} />
              </Form.Item>
            </Col>
          </Row>
          {scopeFields}
        </>
      ) : null}
      {kind === 'item' ? (
        <>
          <Row gutter={12}>
            <Col xs={12} md={8}>
              {pointsField}
            </Col>
          </Row>
          {scopeFields}
        </>
      ) : null}
      {kind === 'action' ? (
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name={name('action')} label={t('loyalty.rule.action')} rules={required}>
              <Select options={actionOptions(t)} />
            </Form.Item>
          </Col>
          {draft?.action === 'custom' ? (
            <Col xs={24} md={8}>
              <Form.Item
                name={name('customAction')}
                label={t('loyalty.rule.customAction')}
                rules={required}
              >
                <Input maxLength={100} />
              </Form.Item>
            </Col>
          ) : null}
          <Col xs={12} md={8}>
            {pointsField}
          </Col>
        </Row>
      ) : null}
      {kind === 'multiplier' ? (
        <>
          <Row gutter={12}>
            <Col xs={24} md={8}>
              <Form.Item
                name={name('factor')}
                label={t('loyalty.rule.factor')}
                rules={[...required, ...numberRules({ min: 0, max: 100 }, t)]}
                extra={t('loyalty.rule.factorHelp')}
              >
                <FactorInput />
              </Form.Item>
            </Col>
            <Col xs={12} md={8}>
              <DateField name={name('from')} label={t('loyalty.rule.from')} />
            </Col>
            <Col xs={12} md={8}>
              <DateField
                name={name('to')}
                label={t('loyalty.rule.to')}
                dependencies={[['earnRules', field.name, 'from']]}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: (_rule, value: string | null) => {
                      const from = getFieldValue(['earnRules', ...name('from')]) as string | null;
                      return from && value && value < from
                        ? Promise.reject(new Error(t('loyalty.rule.toBeforeFrom')))
                        : Promise.resolve();
                    },
                  }),
                ]}
              />
            </Col>
          </Row>
          <Form.Item name={name('weekdays')} label={t('loyalty.rule.weekdays')}>
            <Checkbox.Group
              options={weekdayNames(i18n.language).map((label, value) => ({ label, value }))}
            />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} md={12}>
              <Form.Item
                name={name('monthDays')}
                label={t('loyalty.rule.monthDays')}
                extra={t('loyalty.rule.monthDaysHelp')}
              >
                <Select
                  mode="multiple"
                  options={Array.from({ length: 31 }, (_, day) => ({
                    value: day + 1,
                    label: String(day + 1),
                  }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name={name('tiers')}
                label={t('loyalty.rule.tiers')}
                extra={tierOptions.length === 0 ? t('loyalty.rule.noTiers') : undefined}
              >
                <Select mode="multiple" options={tierOptions} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name={name('segments')}
                label={t('loyalty.rule.segments')}
                extra={t('loyalty.rule.segmentsHelp')}
              >
                <TextListSelect placeholder={t('loyalty.rule.segmentsPlaceholder')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name={name('appliesTo')}
                label={t('loyalty.rule.appliesTo')}
                extra={t('loyalty.rule.appliesToHelp')}
              >
                <Select mode="multiple" options={otherRules} />
              </Form.Item>
            </Col>
          </Row>
        </>
      ) : null}
      <Typography.Text type="secondary">{t('loyalty.rule.capTitle')}</Typography.Text>
      <Row gutter={12}>
        {(['perDay', 'perWeek', 'perMonth', 'budget'] as const).map((key) => (
          <Col xs={12} md={6} key={key}>
            <Form.Item
              name={[field.name, 'cap', key]}
              label={t(`loyalty.rule.capFields.${key}`)}
              rules={numberRules({ min: 1, integer: true }, t)}
            >
              <WholeNumberInput min={1} placeholder={t('loyalty.rule.noCap')} />
            </Form.Item>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

/** Earning rules: edit them, try them out, publish them as a new version. */
export function EarningRulesTab({ program, canDesign }: DesignerTabProps) {
  const { t } = useTranslation();
  const message = useMessage();
  const [form] = Form.useForm<RulesForm>();
  const problem = useFormProblem(form);
  const publish = usePublishRules(program.id);
  const context = useMemo<RuleContext>(
    () => ({ currency: program.currency, timeZone: program.timeZone }),
    [program.currency, program.timeZone],
  );
  const initialValues = useMemo<RulesForm>(
    () => ({ earnRules: program.earnRules.map((rule) => ruleToDraft(rule, context)) }),
    [program.earnRules, context],
  );
  const watched = Form.useWatch('earnRules', form) as RuleDraft[] | undefined;
  const drafts = watched ?? initialValues.earnRules;
  const draftRules = rulesOf(drafts, context);
  const dirty = draftRules !== null && canonical(draftRules) !== canonical(program.earnRules);
  const tierOptions = (program.tiers?.levels ?? []).map((level) => ({
    value: level.code,
    label: `${level.name} (${level.code})`,
  }));
  const newRule = useFocusAdded();

  function loadVersion(rules: EarnRule[], version: number) {
    form.setFieldsValue({ earnRules: rules.map((rule) => ruleToDraft(rule, context)) });
    void message.info(t('loyalty.versions.loaded', { version }));
  }

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Form<RulesForm>
          form={form}
          name="rules"
          layout="vertical"
          disabled={!canDesign}
          initialValues={initialValues}
          scrollToFirstError
          onFinish={(values) => {
            problem.clear();
            publish.mutate(
              values.earnRules.map((draft) => draftToRule(draft, context)),
              {
                onSuccess: (saved) => {
                  // The editor goes on from what the server published (ids filled in).
                  form.setFieldsValue({
                    earnRules: saved.earnRules.map((rule) => ruleToDraft(rule, context)),
                  });
                  void message.success(
                    t('loyalty.rules.published', { version: saved.rulesVersion }),
                  );
                },
                onError: problem.report,
              },
            );
          }}
        >
          <Typography.Paragraph type="secondary">{t('loyalty.rules.intro')}</Typography.Paragraph>
          <Form.List name="earnRules">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" size={12} className="full-width">
                {fields.length === 0 ? (
                  <Alert type="info" showIcon title={t('loyalty.rules.empty')} />
                ) : null}
                {fields.map((field, index) => (
                  <RuleCard
                    key={field.key}
                    field={field}
                    index={index}
                    onRemove={() => remove(field.name)}
                    drafts={drafts}
                    context={context}
                    tierOptions={tierOptions}
                    canDesign={canDesign}
                    nameFocus={newRule.focusProps(field.name)}
                  />
                ))}
                {canDesign ? (
                  <Space wrap>
                    {ruleKinds.map((kind) => (
                      <Button
                        key={kind}
                        icon={<PlusOutlined aria-hidden />}
                        onClick={() => {
                          add(
                            newRuleDraft(
                              kind,
                              drafts.map((draft) => draft.id),
                            ),
                          );
                          newRule.added(fields.length);
                        }}
                      >
                        {t(`loyalty.rule.add.${kind}`)}
                      </Button>
                    ))}
                  </Space>
                ) : null}
              </Space>
            )}
          </Form.List>
          {problem.alert ? <div className="section">{problem.alert}</div> : null}
          {canDesign ? (
            <Space className="section" wrap>
              <Button
                type="primary"
                htmlType="submit"
                loading={publish.isPending}
                disabled={!dirty}
              >
                {t('loyalty.rules.publish', { version: program.rulesVersion + 1 })}
              </Button>
              <Button onClick={() => form.resetFields()} disabled={!dirty}>
                {t('loyalty.designer.discard')}
              </Button>
              {dirty ? (
                <Typography.Text type="warning" data-testid="rules-dirty">
                  {t('loyalty.rules.unpublished')}
                </Typography.Text>
              ) : null}
            </Space>
          ) : null}
        </Form>
      </Col>
      <Col xs={24} xl={10}>
        <Space orientation="vertical" size={16} className="full-width">
          <DryRunPanel program={program} draftRules={dirty ? draftRules : null} />
          <RuleVersions program={program} canDesign={canDesign} onLoad={loadVersion} />
        </Space>
      </Col>
    </Row>
  );
}
