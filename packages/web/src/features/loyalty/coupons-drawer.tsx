import { useRef, useState, type Ref } from 'react';
import {
  Alert,
  Button,
  Col,
  Drawer,
  Empty,
  Form,
  Input,
  Popconfirm,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
  type InputRef,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { Link } from 'react-router';
import { roleCan } from '@fidelis/contracts';
import { ErrorAlert, useErrorText, useFormProblem } from '../../api/error-text.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import { formatDateTime, formatNumber } from '../../i18n/format.ts';
import { startOfDayIn } from '../../i18n/zoned-date.ts';
import { useCopyToClipboard } from '../platform/secret-shown-once.tsx';
import { useCurrentSession } from '../platform/session.ts';
import { type DesignerTabProps, WholeNumberInput } from './designer-fields.tsx';
import type { NumberInputRef } from '../../forms/number-input.tsx';
import { DateField, labelled } from '../../forms/form-fields.tsx';
import { LoadMoreButton } from '../../lists/load-more-table.tsx';
import {
  type Coupon,
  type Reward,
  useAddCoupons,
  useCoupons,
  useMarkCouponUsed,
} from './loyalty.api.ts';
import { clearable, useMessage } from '../../i18n/antd-config.tsx';
import { SearchInput } from '../../lists/search-input.tsx';

interface PoolValues {
  mode: 'generate' | 'paste';
  count?: number;
  prefix?: string;
  length?: number;
  codes?: string;
  expiresAt?: string | null;
}

/** The codes the server generated: shown once here, to copy or download for printing. */
function GeneratedCodes({ codes, rewardName }: { codes: string[]; rewardName: string }) {
  const { t } = useTranslation();
  const copy = useCopyToClipboard();
  const text = codes.join('\n');
  function download() {
    const url = URL.createObjectURL(new Blob([`code\n${text}\n`], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${rewardName}-coupons.csv`;
    link.click();
    URL.revokeObjectURL(url);
  }
  return (
    <div className="section" data-testid="coupons-generated">
      <Input.TextArea
        value={text}
        readOnly
        autoSize={{ minRows: 2, maxRows: 6 }}
        spellCheck={false}
        aria-label={t('loyalty.coupons.generated')}
      />
      <Space className="section">
        <Button
          onClick={() =>
            void copy(text, t('loyalty.coupons.copied'), t('loyalty.coupons.copyFailed'))
          }
        >
          {t('loyalty.coupons.copy')}
        </Button>
        <Button onClick={download}>{t('loyalty.coupons.download')}</Button>
      </Space>
    </div>
  );
}

function AddCodesForm({
  program,
  reward,
  countField,
}: {
  program: DesignerTabProps['program'];
  reward: Reward;
  /** The first field to type in, for the drawer to focus once it has opened. */
  countField: Ref<NumberInputRef>;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<PoolValues>();
  const problem = useFormProblem(form);
  const add = useAddCoupons(program.id, reward.id);
  const mode = Form.useWatch('mode', form) ?? 'generate';
  // One key per batch the user means: resubmitting after a lost answer replays it instead of
  // generating a second set; a change to the form or a success starts a new batch.
  const batchKey = useRef<string | null>(null);
  const n = (value: number) => formatNumber(value, i18n.language);
  const required = [{ required: true, message: t('loyalty.designer.required') }];
  function submit(values: PoolValues) {
    problem.clear();
    batchKey.current ??= newIdempotencyKey();
    const prefix = values.prefix?.trim();
    const source =
      values.mode === 'generate'
        ? {
            generate: {
              count: values.count ?? 0,
              length: values.length ?? 8,
              ...(prefix ? { prefix } : {}),
            },
          }
        : {
            codes: [
              ...new Set(
                (values.codes ?? '')
                  .split(/[\s,，;]+/)
                  .map((code) => code.trim())
                  .filter(Boolean),
              ),
            ],
          };
    add.mutate(
      {
        ...source,
        idempotencyKey: batchKey.current,
        ...(values.expiresAt
          ? { expiresAt: startOfDayIn(values.expiresAt, program.timeZone, 1) }
          : {}),
      },
      {
        onError: problem.report,
        onSuccess: () => {
          batchKey.current = null;
          form.setFieldValue('codes', '');
        },
      },
    );
  }
  return (
    <Form<PoolValues>
      form={form}
      name="coupons"
      layout="vertical"
      initialValues={{ mode: 'generate', count: 100, prefix: '', length: 8 }}
      onValuesChange={() => {
        batchKey.current = null;
      }}
      onFinish={submit}
    >
      <Form.Item name="mode" label={t('loyalty.coupons.addTitle')}>
        <Segmented
          aria-label={t('loyalty.coupons.addTitle')}
          options={[
            { value: 'generate', label: t('loyalty.coupons.generate') },
            { value: 'paste', label: t('loyalty.coupons.paste') },
          ]}
        />
      </Form.Item>
      {mode === 'generate' ? (
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item
              name="count"
              label={t('loyalty.coupons.count')}
              rules={[...required, ...numberRules({ min: 1, max: 10_000, integer: true }, t)]}
            >
              <WholeNumberInput min={1} max={10_000} ref={countField} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="prefix"
              label={t('loyalty.coupons.prefix')}
              rules={[
                { pattern: /^[A-Za-z0-9]{0,20}$/, message: t('loyalty.coupons.prefixPattern') },
              ]}
            >
              <Input maxLength={20} placeholder="VIP" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="length"
              label={t('loyalty.coupons.length')}
              rules={[...required, ...numberRules({ min: 6, max: 16, integer: true }, t)]}
            >
              <WholeNumberInput min={6} max={16} />
            </Form.Item>
          </Col>
        </Row>
      ) : (
        <Form.Item
          name="codes"
          label={t('loyalty.coupons.codes')}
          extra={t('loyalty.coupons.codesHelp')}
          rules={[{ ...required[0], whitespace: true }]}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} spellCheck={false} />
        </Form.Item>
      )}
      <DateField
        name="expiresAt"
        label={t('loyalty.coupons.expiresAt')}
        extra={t('loyalty.coupons.expiresAtHelp')}
      />
      {problem.alert}
      {add.data ? (
        <Alert
          type="success"
          showIcon
          data-testid="coupons-added"
          title={t('loyalty.coupons.added', {
            added: n(add.data.added),
            duplicates: n(add.data.duplicates),
            available: n(add.data.available),
          })}
        />
      ) : null}
      {add.data?.codes ? <GeneratedCodes codes={add.data.codes} rewardName={reward.name} /> : null}
      <Button type="primary" htmlType="submit" loading={add.isPending} className="section">
        {t('loyalty.coupons.addButton')}
      </Button>
    </Form>
  );
}

const statusColors: Record<Coupon['status'], string> = {
  available: 'green',
  issued: 'blue',
  used: 'default',
};

/** A reward's coupon pool: counts, adding codes, and the codes with who has them. */
export function CouponsDrawer({
  program,
  canDesign,
  reward,
  onClose,
}: DesignerTabProps & { reward: Reward | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const message = useMessage();
  const errorText = useErrorText();
  const session = useCurrentSession();
  const canOperate = roleCan(session.user.role, 'loyalty:operate');
  const [status, setStatus] = useState<Coupon['status'] | 'all'>('all');
  const [q, setQ] = useState('');
  const coupons = useCoupons(program.id, reward?.id ?? '', {
    status: status === 'all' ? undefined : status,
    q: q || undefined,
  });
  const markUsed = useMarkCouponUsed(program.id);
  // One key per code until its use is answered: trying again after a lost answer replays it.
  const codeKeys = useRef(new Map<string, string>());
  const markCodeUsed = (code: string) => {
    const idempotencyKey = codeKeys.current.get(code) ?? newIdempotencyKey();
    codeKeys.current.set(code, idempotencyKey);
    return markUsed.mutateAsync({ code, idempotencyKey }).then(() => {
      codeKeys.current.delete(code);
    });
  };
  const first = coupons.data?.pages[0];
  const rows = coupons.data?.pages.flatMap((page) => page.items) ?? [];
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale, program.timeZone) : '—');
  const [now] = useState(() => Date.now());
  const countField = useRef<NumberInputRef>(null);
  const searchBox = useRef<InputRef>(null);
  return (
    <Drawer
      open={reward !== null}
      onClose={onClose}
      size="large"
      title={reward ? t('loyalty.coupons.title', { name: reward.name }) : ''}
      destroyOnHidden
      // Opened to type: how many codes to generate (its number selected, so typing replaces
      // it), or for staff who cannot add codes, the search. Once open, as the drawer focuses
      // itself while it opens.
      afterOpenChange={(opened) => {
        if (!opened) return;
        if (canDesign) countField.current?.focus({ cursor: 'all' });
        else searchBox.current?.focus();
      }}
    >
      {reward ? (
        <Space orientation="vertical" size={16} className="full-width" data-testid="coupons-drawer">
          <Typography.Paragraph type="secondary">{t('loyalty.coupons.intro')}</Typography.Paragraph>
          {first ? (
            <Row gutter={12} data-testid="coupon-counts">
              {(['available', 'issued', 'used', 'expired'] as const).map((key) => (
                <Col span={6} key={key}>
                  <Statistic
                    title={t(`loyalty.coupons.counts.${key}`)}
                    value={formatNumber(first.counts[key], locale)}
                  />
                </Col>
              ))}
            </Row>
          ) : null}
          {canDesign ? (
            <AddCodesForm program={program} reward={reward} countField={countField} />
          ) : null}
          <Space wrap>
            <Segmented<Coupon['status'] | 'all'>
              aria-label={t('loyalty.coupons.filter')}
              value={status}
              onChange={setStatus}
              options={labelled(
                ['all', 'available', 'issued', 'used'] as const,
                t,
                'loyalty.coupons.statuses',
              )}
            />
            <SearchInput
              ref={searchBox}
              allowClear={clearable(t)}
              placeholder={t('loyalty.coupons.search')}
              aria-label={t('loyalty.coupons.search')}
              onSearch={(value) => setQ(value.trim())}
            />
          </Space>
          {coupons.isError ? (
            <ErrorAlert error={coupons.error} onRetry={() => void coupons.refetch()} />
          ) : (
            <>
              <Table<Coupon>
                rowKey="code"
                size="small"
                data-testid="coupons-table"
                loading={coupons.isPending}
                dataSource={rows}
                pagination={false}
                scroll={{ x: 640 }}
                locale={{
                  emptyText: coupons.isPending ? (
                    ' '
                  ) : (
                    <Empty
                      image={Empty.PRESENTED_IMAGE_SIMPLE}
                      description={t('loyalty.coupons.empty')}
                    />
                  ),
                }}
                columns={[
                  {
                    title: t('loyalty.coupons.code'),
                    dataIndex: 'code',
                    render: (code: string) => <Typography.Text code>{code}</Typography.Text>,
                  },
                  {
                    title: t('loyalty.coupons.status'),
                    dataIndex: 'status',
                    render: (value: Coupon['status'], row) => (
                      <Space size={4}>
                        <Tag color={statusColors[value]}>
                          {t(`loyalty.coupons.statuses.${value}`)}
                        </Tag>
                        {value !== 'used' && row.expiresAt && Date.parse(row.expiresAt) <= now ? (
                          <Tag color="red">{t('loyalty.coupons.counts.expired')}</Tag>
                        ) : null}
                      </Space>
                    ),
                  },
                  {
                    title: t('loyalty.coupons.customer'),
                    dataIndex: 'customerId',
                    render: (id: string | null) =>
                      id ? (
                        <Link to={`/customers/${id}`}>{t('loyalty.coupons.openCustomer')}</Link>
                      ) : (
                        '—'
                      ),
                  },
                  { title: t('loyalty.coupons.issuedAt'), dataIndex: 'issuedAt', render: when },
                  { title: t('loyalty.coupons.usedAt'), dataIndex: 'usedAt', render: when },
                  { title: t('loyalty.coupons.expiresAt'), dataIndex: 'expiresAt', render: when },
                  ...(canOperate
                    ? [
                        {
                          title: '',
                          key: 'use',
                          render: (_: unknown, row: Coupon) =>
                            row.status === 'issued' ? (
                              <Popconfirm
                                title={t('loyalty.coupons.useConfirm', { code: row.code })}
                                okText={t('loyalty.coupons.use')}
                                cancelText={t('common.cancel')}
                                onConfirm={() =>
                                  markCodeUsed(row.code).then(
                                    () => void message.success(t('loyalty.coupons.usedDone')),
                                    (error: unknown) => {
                                      void message.error(errorText(error).line);
                                    },
                                  )
                                }
                              >
                                <Button size="small">{t('loyalty.coupons.use')}</Button>
                              </Popconfirm>
                            ) : null,
                        },
                      ]
                    : []),
                ]}
              />
              {coupons.hasNextPage ? (
                <div className="load-more">
                  <LoadMoreButton query={coupons} />
                </div>
              ) : null}
            </>
          )}
        </Space>
      ) : null}
    </Drawer>
  );
}
