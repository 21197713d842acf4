import { useRef, useState } from 'react';
import {
  Button,
  Col,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { ErrorAlert, useErrorText, useFormProblem } from '../../api/error-text.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import { formatDate, formatNumber } from '../../i18n/format.ts';
import { dateIn, startOfDayIn } from '../../i18n/zoned-date.ts';
import { CouponsDrawer } from './coupons-drawer.tsx';
import { tierNames } from './entry-explanation.ts';
import { type DesignerTabProps, WholeNumberInput } from './designer-fields.tsx';
import { DateField } from '../../forms/form-fields.tsx';
import {
  type Reward,
  type RewardCreate,
  type RewardUpdate,
  useCreateReward,
  useRewards,
  useUpdateReward,
} from './loyalty.api.ts';
import { clearable, pageArrows, useMessage } from '../../i18n/antd-config.tsx';

interface RewardValues {
  name: string;
  description?: string;
  pointsCost: number;
  stock?: number | null;
  perMemberLimit?: number | null;
  tiers?: string[];
  validFrom?: string | null;
  validTo?: string | null;
}

/** The form's values as the API's terms; an empty field is null (none, unlimited, always). */
function rewardTerms(values: RewardValues, timeZone: string) {
  return {
    name: values.name.trim(),
    description: values.description?.trim() || null,
    pointsCost: values.pointsCost,
    stock: values.stock ?? null,
    perMemberLimit: values.perMemberLimit || null,
    tiers: values.tiers?.length ? values.tiers : null,
    validFrom: values.validFrom ? startOfDayIn(values.validFrom, timeZone) : null,
    // The last day counts in full: valid until the start of the next one.
    validTo: values.validTo ? startOfDayIn(values.validTo, timeZone, 1) : null,
  };
}

function formValuesOf(reward: Reward, timeZone: string): RewardValues {
  return {
    name: reward.name,
    description: reward.description ?? '',
    pointsCost: reward.pointsCost,
    stock: reward.stock,
    perMemberLimit: reward.perMemberLimit,
    tiers: reward.tiers ?? [],
    validFrom: reward.validFrom ? dateIn(reward.validFrom, timeZone) : null,
    validTo: reward.validTo ? dateIn(reward.validTo, timeZone, -1) : null,
  };
}

/** Adds a reward, or (given `editing`) changes one. */
function RewardModal({
  program,
  open,
  editing,
  onClose,
}: DesignerTabProps & { open: boolean; editing: Reward | null; onClose: () => void }) {
  const { t } = useTranslation();
  const message = useMessage();
  const [form] = Form.useForm<RewardValues>();
  const problem = useFormProblem(form);
  const create = useCreateReward(program.id);
  const update = useUpdateReward(program.id);
  // One key per reward meant: a resubmit after a lost answer replays it instead of listing the
  // reward twice; a changed form starts a new one.
  const key = useRef<string | null>(null);
  const tierOptions = (program.tiers?.levels ?? []).map((level) => ({
    value: level.code,
    label: level.name,
  }));
  const required = [{ required: true, message: t('loyalty.designer.required') }];

  function done(reward: Reward, key: 'created' | 'saved') {
    void message.success(t(`loyalty.rewardsDesigner.${key}`, { name: reward.name }));
    form.resetFields();
    onClose();
  }

  function submit(values: RewardValues) {
    problem.clear();
    const terms = rewardTerms(values, program.timeZone);
    if (editing) {
      // Stock is sent only when changed, so units redeemed meanwhile are not given back.
      const { stock, ...rest } = terms;
      const input: RewardUpdate = { ...rest, ...(stock !== editing.stock ? { stock } : {}) };
      update.mutate(
        { rewardId: editing.id, input },
        { onSuccess: (reward) => done(reward, 'saved'), onError: problem.report },
      );
      return;
    }
    const input = Object.fromEntries(
      Object.entries(terms).filter(([, value]) => value !== null),
    ) as unknown as RewardCreate;
    key.current ??= newIdempotencyKey();
    create.mutate(
      { input, idempotencyKey: key.current },
      {
        onSuccess: (reward) => {
          key.current = null;
          done(reward, 'created');
        },
        onError: problem.report,
      },
    );
  }

  return (
    <Modal
      open={open}
      title={editing ? t('loyalty.rewardsDesigner.editTitle') : t('loyalty.rewardsDesigner.new')}
      okText={editing ? t('loyalty.rewardsDesigner.save') : t('loyalty.rewardsDesigner.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending || update.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        problem.clear();
        onClose();
      }}
      destroyOnHidden
      width={640}
    >
      <Form<RewardValues>
        form={form}
        name="reward"
        layout="vertical"
        onValuesChange={() => {
          key.current = null;
        }}
        onFinish={submit}
        {...(editing ? { initialValues: formValuesOf(editing, program.timeZone) } : {})}
      >
        <Form.Item
          name="name"
          label={t('loyalty.rewardsDesigner.name')}
          rules={[{ ...required[0], whitespace: true }]}
        >
          <Input autoFocus maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label={t('loyalty.rewardsDesigner.description')}>
          <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 4 }} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item
              name="pointsCost"
              label={t('loyalty.rewardsDesigner.pointsCost')}
              rules={[...required, ...numberRules({ min: 1, integer: true }, t)]}
            >
              <WholeNumberInput min={1} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item
              name="stock"
              label={t('loyalty.rewardsDesigner.stock')}
              extra={t('loyalty.rewardsDesigner.stockHelp')}
              rules={numberRules({ min: 0, integer: true }, t)}
            >
              <WholeNumberInput placeholder={t('loyalty.rewards.unlimited')} />
            </Form.Item>
          </Col>
          <Col xs={12} md={8}>
            <Form.Item
              name="perMemberLimit"
              label={t('loyalty.rewardsDesigner.perMemberLimit')}
              extra={t('loyalty.rewardsDesigner.perMemberLimitHelp')}
              rules={numberRules({ min: 1, integer: true }, t)}
            >
              <WholeNumberInput min={1} placeholder={t('loyalty.rewards.unlimited')} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="tiers"
          label={t('loyalty.rewardsDesigner.tiers')}
          extra={
            tierOptions.length
              ? t('loyalty.rewardsDesigner.tiersHelp')
              : t('loyalty.rewardsDesigner.noTiers')
          }
        >
          <Select mode="multiple" options={tierOptions} disabled={tierOptions.length === 0} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <DateField name="validFrom" label={t('loyalty.rewardsDesigner.validFrom')} />
          </Col>
          <Col span={12}>
            <DateField
              name="validTo"
              label={t('loyalty.rewardsDesigner.validTo')}
              dependencies={['validFrom']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_rule, value: string | null) => {
                    const from = getFieldValue('validFrom') as string | null;
                    return from && value && value < from
                      ? Promise.reject(new Error(t('loyalty.rule.toBeforeFrom')))
                      : Promise.resolve();
                  },
                }),
              ]}
            />
          </Col>
        </Row>
        {problem.alert}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      </Form>
    </Modal>
  );
}

/** "Switch off" / "Switch on": an inactive reward cannot be redeemed and leaves the member page. */
function ActiveSwitch({
  program,
  reward,
}: {
  program: DesignerTabProps['program'];
  reward: Reward;
}) {
  const { t } = useTranslation();
  const message = useMessage();
  const errorText = useErrorText();
  const update = useUpdateReward(program.id);
  const active = !reward.active;
  return (
    <Button
      size="small"
      danger={reward.active}
      loading={update.isPending}
      onClick={() =>
        update.mutate(
          { rewardId: reward.id, input: { active } },
          {
            onSuccess: (changed) =>
              void message.success(
                t(`loyalty.rewardsDesigner.${active ? 'activated' : 'deactivated'}`, {
                  name: changed.name,
                }),
              ),
            onError: (error) => {
              void message.error(errorText(error).line);
            },
          },
        )
      }
    >
      {reward.active
        ? t('loyalty.rewardsDesigner.deactivate')
        : t('loyalty.rewardsDesigner.activate')}
    </Button>
  );
}

/** The rewards catalog: search, add, edit, switch off and on, and each reward's coupon pool. */
export function RewardsTab({ program, canDesign }: DesignerTabProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const rewards = useRewards(program.id);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Reward | null>(null);
  const [search, setSearch] = useState('');
  const [couponsOf, setCouponsOf] = useState<Reward | null>(null);
  const needle = search.trim().toLowerCase();
  const items = (rewards.data?.items ?? []).filter(
    (reward) =>
      !needle ||
      reward.name.toLowerCase().includes(needle) ||
      (reward.description ?? '').toLowerCase().includes(needle),
  );
  const tierName = tierNames(program);
  const day = (iso: string, offsetMs = 0) =>
    formatDate(new Date(Date.parse(iso) + offsetMs).toISOString(), locale, program.timeZone);
  // Beside the search, and in the empty list as the way to its first reward.
  const newButton = canDesign ? (
    <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
      {t('loyalty.rewardsDesigner.new')}
    </Button>
  ) : null;
  return (
    <>
      <div className="designer-toolbar">
        <Input
          allowClear={clearable(t)}
          prefix={<SearchOutlined aria-hidden />}
          placeholder={t('loyalty.rewardsDesigner.search')}
          aria-label={t('loyalty.rewardsDesigner.search')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          className="filter-search"
        />
        {newButton}
      </div>
      {rewards.isError ? (
        <ErrorAlert error={rewards.error} onRetry={() => void rewards.refetch()} />
      ) : (
        <Table<Reward>
          rowKey="id"
          size="middle"
          data-testid="rewards-table"
          loading={rewards.isPending}
          dataSource={items}
          pagination={{ pageSize: 10, hideOnSinglePage: true, ...pageArrows }}
          scroll={{ x: 800 }}
          locale={{
            emptyText: rewards.isPending ? (
              ' '
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  needle ? t('loyalty.rewardsDesigner.noMatch') : t('loyalty.rewardsDesigner.empty')
                }
              >
                {needle ? null : newButton}
              </Empty>
            ),
          }}
          columns={[
            {
              title: t('loyalty.rewards.name'),
              dataIndex: 'name',
              render: (name: string, row) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{name}</Typography.Text>
                  {row.description ? (
                    <Typography.Text type="secondary">{row.description}</Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            {
              title: t('loyalty.rewards.cost'),
              dataIndex: 'pointsCost',
              align: 'right',
              render: (value: number) => formatNumber(value, locale),
            },
            {
              title: t('loyalty.rewards.stock'),
              dataIndex: 'stock',
              align: 'right',
              render: (value: number | null) =>
                value === null ? t('loyalty.rewards.unlimited') : formatNumber(value, locale),
            },
            {
              title: t('loyalty.rewardsDesigner.perMemberLimit'),
              dataIndex: 'perMemberLimit',
              align: 'right',
              render: (value: number | null) =>
                value === null ? t('loyalty.rewards.unlimited') : formatNumber(value, locale),
            },
            {
              title: t('loyalty.rewardsDesigner.tiers'),
              dataIndex: 'tiers',
              render: (tiers: string[] | null) =>
                tiers
                  ? tiers.map((code) => <Tag key={code}>{tierName(code)}</Tag>)
                  : t('loyalty.rewardsDesigner.allTiers'),
            },
            {
              title: t('loyalty.rewardsDesigner.validity'),
              key: 'validity',
              render: (_, row) =>
                row.validFrom || row.validTo
                  ? `${row.validFrom ? day(row.validFrom) : '…'} – ${row.validTo ? day(row.validTo, -1) : '…'}`
                  : t('loyalty.rewardsDesigner.always'),
            },
            {
              title: t('loyalty.rewards.active'),
              dataIndex: 'active',
              render: (value: boolean) =>
                value ? (
                  <Tag color="green">{t('loyalty.rewards.yes')}</Tag>
                ) : (
                  <Tag>{t('loyalty.rewards.no')}</Tag>
                ),
            },
            {
              title: '',
              key: 'coupons',
              render: (_, row) => (
                <Space size={4} wrap>
                  {canDesign ? (
                    <>
                      <Button size="small" onClick={() => setEditing(row)}>
                        {t('loyalty.rewardsDesigner.edit')}
                      </Button>
                      <ActiveSwitch program={program} reward={row} />
                    </>
                  ) : null}
                  <Button size="small" onClick={() => setCouponsOf(row)}>
                    {t('loyalty.coupons.open')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      )}
      <RewardModal
        program={program}
        canDesign={canDesign}
        open={creating || editing !== null}
        editing={editing}
        onClose={() => {
          setCreating(false);
          setEditing(null);
        }}
      />
      <CouponsDrawer
        program={program}
        canDesign={canDesign}
        reward={couponsOf}
        onClose={() => setCouponsOf(null)}
      />
    </>
  );
}
