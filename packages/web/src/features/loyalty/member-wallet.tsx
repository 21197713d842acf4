import { useRef, useState } from 'react';
import { Button, Empty, Form, Modal, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { numberRules } from '../../forms/number-rules.ts';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert, useFormProblem } from '../../api/error-text.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import { formatDateTime, formatMoney, majorToMinor, minorToMajor } from '../../i18n/format.ts';
import { MoneyInput } from './designer-fields.tsx';
import {
  type MemberLoyalty,
  type WalletEntry,
  useMemberWallet,
  useSpendWallet,
} from './loyalty.api.ts';
import './loyalty.i18n.ts';

/** + when money reached the member's wallet, − when it left it. */
const signOf = (entry: WalletEntry): 1 | -1 =>
  entry.credit === 'member_wallet' ? 1 : entry.debit === 'member_wallet' ? -1 : 1;

/** Why the entry happened, from its explanation (shapes written by the server's ledger). */
function explainWalletEntry(
  entry: WalletEntry,
  t: TFunction,
  money: (minor: number) => string,
): string | null {
  const why = entry.explanation;
  const text = (key: string) => (typeof why[key] === 'string' ? why[key] : null);
  const amount = (key: string) => (typeof why[key] === 'number' ? why[key] : null);
  switch (entry.kind) {
    case 'cashback': {
      const rate = amount('rateBasisPoints');
      const spend = amount('spend');
      if (rate === null || spend === null) return null;
      return t('loyalty.wallet.why.cashback', {
        rate: rate / 100,
        spend: money(spend),
        event: entry.eventId ?? '',
      });
    }
    case 'reverse': {
      const refunded = amount('refundedAmount');
      return t('loyalty.wallet.why.reverse', {
        refunded: refunded === null ? '' : money(refunded),
        order: text('refundOf') ?? '',
      });
    }
    case 'merge':
      return signOf(entry) > 0
        ? t('loyalty.wallet.why.mergeIn', { id: text('fromCustomerId') ?? '' })
        : t('loyalty.wallet.why.mergeOut', { id: text('toCustomerId') ?? '' });
    case 'spend':
      return null;
  }
}

function SpendForm({
  member,
  currency,
  balance,
  onDone,
}: {
  member: MemberLoyalty;
  currency: string;
  balance: number;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const money = (minor: number) => formatMoney(minor, currency, i18n.language);
  const [form] = Form.useForm<{ amount: number | null }>();
  const problem = useFormProblem(form);
  const spend = useSpendWallet(member.programId, member.customerId);
  // One key per spend the user means: resubmitting after a lost answer replays it instead of
  // spending twice; a changed amount or a success starts a new one.
  const key = useRef<string | null>(null);
  function submit({ amount }: { amount: number | null }) {
    problem.clear();
    key.current ??= newIdempotencyKey();
    spend.mutate(
      { amount: majorToMinor(amount ?? 0, currency), idempotencyKey: key.current },
      {
        onSuccess: () => {
          key.current = null;
          form.resetFields();
          onDone();
        },
        onError: (error) => {
          // Someone spent first: say so in the user's language, with the balance as it is now.
          if (error instanceof ApiError && error.code === 'CONFLICT') {
            key.current = null;
            form.setFields([{ name: 'amount', errors: [t('loyalty.wallet.insufficient')] }]);
          } else problem.report(error);
        },
      },
    );
  }
  return (
    <Form
      form={form}
      name="wallet-spend"
      layout="vertical"
      onValuesChange={() => {
        key.current = null;
      }}
      onFinish={submit}
      data-testid="wallet-spend-form"
    >
      <Form.Item
        name="amount"
        label={t('loyalty.wallet.amount')}
        extra={t('loyalty.wallet.available', { balance: money(balance) })}
        rules={[
          { required: true, message: t('loyalty.wallet.amountRequired') },
          ...numberRules({ min: 0, currency }, t),
          {
            validator: (_, value: number | null | undefined) =>
              value === null || value === undefined
                ? Promise.resolve()
                : majorToMinor(value, currency) < 1
                  ? Promise.reject(new Error(t('loyalty.wallet.amountRequired')))
                  : majorToMinor(value, currency) > balance
                    ? Promise.reject(new Error(t('loyalty.wallet.insufficient')))
                    : Promise.resolve(),
          },
        ]}
      >
        <MoneyInput
          currency={currency}
          max={minorToMajor(Number.MAX_SAFE_INTEGER, currency)}
          autoFocus
          aria-label={t('loyalty.wallet.amount')}
        />
      </Form.Item>
      {problem.alert}
      <Space>
        <Button type="primary" htmlType="submit" loading={spend.isPending}>
          {t('loyalty.wallet.spendConfirm')}
        </Button>
        <Button onClick={onDone}>{t('loyalty.wallet.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** A member's cashback wallet: balance, entries and (for operators) spending from it. */
export function MemberWallet({
  member,
  timeZone,
  canSpend,
}: {
  member: MemberLoyalty;
  timeZone: string;
  canSpend: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const wallet = useMemberWallet(member.programId, member.customerId, true);
  const [spending, setSpending] = useState(false);
  if (wallet.isError)
    return <ErrorAlert error={wallet.error} onRetry={() => void wallet.refetch()} />;
  // The balance and currency come with the newest page; older pages add entries.
  const first = wallet.data?.pages[0];
  const currency = first?.currency;
  const money = (minor: number) => (currency ? formatMoney(minor, currency, locale) : '');
  const balance = first?.balance ?? member.wallet;
  return (
    <Space orientation="vertical" size={8} className="full-width" data-testid="member-wallet">
      <div className="member-program-row">
        <Statistic
          title={t('loyalty.wallet.title')}
          value={currency ? money(balance) : ' '}
          loading={wallet.isPending}
          data-testid="wallet-balance"
        />
        {canSpend ? (
          <Button
            onClick={() => setSpending(true)}
            disabled={!currency || balance <= 0}
            data-testid="wallet-spend"
          >
            {t('loyalty.wallet.spend')}
          </Button>
        ) : null}
      </div>
      <Table
        size="small"
        rowKey="id"
        loading={wallet.isPending}
        pagination={false}
        dataSource={wallet.data?.pages.flatMap((page) => page.items) ?? []}
        data-testid="wallet-entries"
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('loyalty.wallet.empty')} />
          ),
        }}
        columns={[
          {
            title: t('loyalty.entry.at'),
            dataIndex: 'at',
            render: (value: string) => formatDateTime(value, locale, timeZone),
          },
          {
            title: t('loyalty.entry.kind'),
            dataIndex: 'kind',
            render: (kind: WalletEntry['kind']) => <Tag>{t(`loyalty.wallet.kinds.${kind}`)}</Tag>,
          },
          {
            title: t('loyalty.wallet.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (amount: number, entry: WalletEntry) =>
              `${signOf(entry) > 0 ? '+' : '−'}${money(amount)}`,
          },
          {
            title: t('loyalty.entry.explanation'),
            key: 'why',
            render: (_: unknown, entry: WalletEntry) => (
              <Typography.Text type="secondary">
                {explainWalletEntry(entry, t, money) ?? ''}
              </Typography.Text>
            ),
          },
        ]}
      />
      {wallet.hasNextPage ? (
        <Button
          onClick={() => void wallet.fetchNextPage()}
          loading={wallet.isFetchingNextPage}
          data-testid="wallet-more"
        >
          {t('loyalty.member.loadMore')}
        </Button>
      ) : null}
      {currency ? (
        <Modal
          open={spending}
          title={t('loyalty.wallet.spendTitle', { program: member.programName })}
          footer={null}
          onCancel={() => setSpending(false)}
          destroyOnHidden
        >
          <SpendForm
            member={member}
            currency={currency}
            balance={balance}
            onDone={() => setSpending(false)}
          />
        </Modal>
      ) : null}
    </Space>
  );
}
