import { useRef, useState } from 'react';
import { Alert, Button, Form, Result, Segmented, Select, Space, Typography } from 'antd';
import { NumberInput } from '../../forms/number-input.tsx';
import { numberRules } from '../../forms/number-rules.ts';
import { GiftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useFormProblem } from '../../api/error-text.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import { formatDate, formatNumber } from '../../i18n/format.ts';
import { copyButton, resultIcons } from '../../i18n/antd-config.tsx';
import {
  type MemberLoyalty,
  type Redemption,
  type RewardListed,
  useRedeem,
  useRewards,
} from './loyalty.api.ts';
import { ModalButton } from './modal-button.tsx';
import './loyalty.i18n.ts';

type Mode = 'reward' | 'points';

/** Why a reward cannot be chosen for this member now, or null when it can. */
function unavailable(reward: RewardListed, member: MemberLoyalty, now: number): string | null {
  if (!reward.active) return 'inactive';
  if (reward.validFrom && Date.parse(reward.validFrom) > now) return 'notYet';
  if (reward.validTo && Date.parse(reward.validTo) <= now) return 'ended';
  if (reward.stock !== null && reward.stock <= 0) return 'soldOut';
  if (reward.tiers && !(member.tier && reward.tiers.includes(member.tier.code))) return 'tier';
  if (reward.leftForMember === 0) return 'limit';
  if (reward.pointsCost > member.available) return 'points';
  return null;
}

function RedeemForm({
  member,
  timeZone,
  onDone,
}: {
  member: MemberLoyalty;
  timeZone: string;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const n = (value: number) => formatNumber(value, locale);
  const [mode, setMode] = useState<Mode>('reward');
  const [form] = Form.useForm<{ rewardId?: string; points?: number | null }>();
  const problem = useFormProblem(form);
  const rewards = useRewards(member.programId, member.customerId);
  const redeem = useRedeem(member.programId, member.customerId);
  const [done, setDone] = useState<Redemption | null>(null);
  // One key per redemption the cashier means: a resubmit after a lost answer replays it instead
  // of redeeming twice; a changed choice or a success starts a new one.
  const key = useRef<string | null>(null);
  // When the form opened: validity is judged as of then (the server judges as of the redemption).
  const [now] = useState(() => Date.now());
  const catalog = rewards.data?.items ?? [];
  const rewardOf = (id: string | undefined) => catalog.find((reward) => reward.id === id);

  function submit(values: { rewardId?: string; points?: number | null }) {
    problem.clear();
    key.current ??= newIdempotencyKey();
    redeem.mutate(
      mode === 'reward'
        ? { rewardId: values.rewardId!, idempotencyKey: key.current }
        : { points: values.points ?? 0, idempotencyKey: key.current },
      {
        onSuccess: (result) => {
          key.current = null;
          setDone(result);
        },
        onError: (error) => {
          key.current = null;
          problem.report(error);
          // A refused reward may have changed since the list was read (the limit reached at
          // another till, the last unit gone): the list shows it as it is now.
          if (values.rewardId) void rewards.refetch();
        },
      },
    );
  }

  if (done) {
    const reward = rewardOf(done.rewardId ?? undefined);
    return (
      <Result
        status="success"
        icon={resultIcons.success}
        title={
          reward
            ? t('loyalty.redeem.doneReward', { reward: reward.name, points: n(done.points) })
            : t('loyalty.redeem.donePoints', { points: n(done.points) })
        }
        subTitle={t('loyalty.redeem.balance', { points: n(done.balance.available) })}
        extra={
          <Space orientation="vertical" size={12} data-testid="redeem-result">
            {done.coupon ? (
              <Alert
                type="info"
                title={
                  <Space wrap>
                    {t('loyalty.redeem.coupon')}
                    <Typography.Text code copyable={copyButton()} data-testid="redeem-coupon">
                      {done.coupon.code}
                    </Typography.Text>
                    {done.coupon.expiresAt
                      ? t('loyalty.redeem.couponExpires', {
                          date: formatDate(done.coupon.expiresAt, locale, timeZone),
                        })
                      : null}
                  </Space>
                }
              />
            ) : null}
            <Button type="primary" onClick={onDone} autoFocus>
              {t('loyalty.redeem.close')}
            </Button>
          </Space>
        }
      />
    );
  }

  return (
    <Form
      form={form}
      name="member-redeem"
      layout="vertical"
      onValuesChange={() => {
        key.current = null;
      }}
      onFinish={submit}
      data-testid="redeem-form"
    >
      <Form.Item>
        <Segmented<Mode>
          aria-label={t('loyalty.redeem.mode')}
          value={mode}
          onChange={(value) => {
            setMode(value);
            key.current = null;
            problem.clear();
          }}
          options={[
            { value: 'reward', label: t('loyalty.redeem.modes.reward') },
            { value: 'points', label: t('loyalty.redeem.modes.points') },
          ]}
        />
      </Form.Item>
      {mode === 'reward' ? (
        <Form.Item
          name="rewardId"
          label={t('loyalty.redeem.reward')}
          extra={t('loyalty.redeem.available', { points: n(member.available) })}
          rules={[{ required: true, message: t('loyalty.redeem.rewardRequired') }]}
        >
          <Select
            autoFocus
            showSearch={{ optionFilterProp: 'title' }}
            loading={rewards.isPending}
            aria-label={t('loyalty.redeem.reward')}
            data-testid="redeem-reward"
            notFoundContent={t('loyalty.rewards.empty')}
            options={catalog.map((reward) => {
              const why = unavailable(reward, member, now);
              return {
                value: reward.id,
                title: reward.name,
                disabled: why !== null,
                label: (
                  <div className="member-program-row">
                    <span>{reward.name}</span>
                    <Typography.Text {...(why ? { type: 'secondary' as const } : {})}>
                      {why
                        ? t(`loyalty.redeem.unavailable.${why}`, {
                            points: n(reward.pointsCost),
                            limit: n(reward.perMemberLimit ?? 0),
                          })
                        : t('loyalty.redeem.cost', { points: n(reward.pointsCost) })}
                    </Typography.Text>
                  </div>
                ),
              };
            })}
          />
        </Form.Item>
      ) : (
        <Form.Item
          name="points"
          label={t('loyalty.redeem.points')}
          extra={t('loyalty.redeem.available', { points: n(member.available) })}
          rules={[
            { required: true, message: t('loyalty.redeem.pointsRequired') },
            ...numberRules({ min: 1, max: 1_000_000_000, integer: true }, t),
            {
              validator: (_, value: number | null | undefined) =>
                typeof value === 'number' && value > member.available
                  ? Promise.reject(new Error(t('loyalty.redeem.tooMany')))
                  : Promise.resolve(),
            },
          ]}
        >
          <NumberInput
            min={1}
            max={1_000_000_000}
            precision={0}
            autoFocus
            className="full-width"
            aria-label={t('loyalty.redeem.points')}
            data-testid="redeem-points"
          />
        </Form.Item>
      )}
      {problem.alert}
      <Space>
        <Button type="primary" htmlType="submit" loading={redeem.isPending}>
          {t('loyalty.redeem.confirm')}
        </Button>
        <Button onClick={onDone}>{t('loyalty.wallet.cancel')}</Button>
      </Space>
    </Form>
  );
}

/**
 * "Redeem" on the 360 page, for the counter: a reward from the catalog (those the member
 * cannot have now are shown, off, with the reason) or points as such; then what was redeemed,
 * the new balance and the coupon code to hand over, if the reward gives one.
 */
export function MemberRedeemButton({
  member,
  timeZone,
}: {
  member: MemberLoyalty;
  timeZone: string;
}) {
  const { t } = useTranslation();
  return (
    <ModalButton
      icon={<GiftOutlined aria-hidden />}
      label={t('loyalty.redeem.button')}
      title={t('loyalty.redeem.title', { program: member.programName })}
      testId="redeem-button"
      disabled={member.available <= 0}
    >
      {(close) => <RedeemForm member={member} timeZone={timeZone} onDone={close} />}
    </ModalButton>
  );
}
