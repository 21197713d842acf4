// The public member page: what a member sees when they open the signed link a shop sends them
// (`/member?token=…`). No login and no app shell; made for a phone first.
import { useLayoutEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Empty,
  Modal,
  Progress,
  Result,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import {
  ClockCircleOutlined,
  CrownOutlined,
  GiftOutlined,
  HistoryOutlined,
  TagsOutlined,
} from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert } from '../../api/error-text.tsx';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import {
  formatDate,
  formatDateTime,
  formatLastDay,
  formatMoney,
  formatNumber,
} from '../../i18n/format.ts';
import { copyButton, resultIcons } from '../../i18n/antd-config.tsx';
import { browserLocale, showLocale, storedLocale } from '../../i18n/i18n.ts';
import { LanguageSwitch } from '../platform/language-switch.tsx';
import {
  entrySign,
  entryKind,
  explainEntry,
  explainTierChange,
  metricAmount,
  nameInSentence,
  settle,
  signText,
  tierNames,
  type ExplainContext,
} from './entry-explanation.ts';
import {
  type PublicMemberPage,
  type PublicRedemption,
  usePublicMemberHistory,
  usePublicMemberPage,
  usePublicRedeem,
} from './loyalty.api.ts';
import { SpentLots } from './spent-lots.tsx';
import './loyalty.i18n.ts';
import './member-page.i18n.ts';

type Entry = PublicMemberPage['history'][number];

function TierCard({ page }: { page: PublicMemberPage }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const explain = memberExplain(page, t, locale);
  const { tier, progress } = page;
  if (!tier && !progress) return null;
  const next = progress?.nextTier;
  const percent =
    progress && next
      ? Math.min(100, Math.floor((progress.value / Math.max(1, next.threshold)) * 100))
      : 100;
  const privileges = tier?.privileges;
  const perks = privileges
    ? [
        ...(privileges.earnMultiplier !== 1
          ? [t('memberPage.perks.earnMultiplier', { factor: privileges.earnMultiplier })]
          : []),
        ...(privileges.birthdayGiftPoints > 0
          ? [
              t('memberPage.perks.birthday', {
                points: formatNumber(privileges.birthdayGiftPoints, locale),
              }),
            ]
          : []),
        ...(privileges.priorityService ? [t('memberPage.perks.priorityService')] : []),
        ...(privileges.earlyAccess ? [t('memberPage.perks.earlyAccess')] : []),
        ...(privileges.exclusiveRewards ? [t('memberPage.perks.exclusiveRewards')] : []),
      ]
    : [];
  return (
    <Card size="small" className="member-card" data-testid="member-page-tier">
      <Space align="center" wrap>
        <CrownOutlined aria-hidden className="member-icon" />
        <Typography.Text>{t('memberPage.tier')}</Typography.Text>
        <Tag color="gold" className="member-tier-tag">
          {tier?.name ?? t('memberPage.noTier')}
        </Tag>
      </Space>
      {progress ? (
        <>
          <Progress percent={percent} showInfo={false} strokeColor="#d4a017" />
          <Typography.Paragraph className="member-progress-text">
            {next
              ? settle(
                  t(`memberPage.toNext.${progress.metric}`, {
                    amount: metricAmount(progress.metric, progress.remaining, explain),
                    name: nameInSentence(next.name, locale),
                  }),
                )
              : t('memberPage.topTier')}
          </Typography.Paragraph>
          <Typography.Text type="secondary" className="member-small">
            {t(`memberPage.sofar.${progress.metric}`, {
              amount: metricAmount(progress.metric, progress.value, explain),
              date: formatLastDay(progress.windowEnd, locale, page.timeZone),
            })}
          </Typography.Text>
        </>
      ) : null}
      {perks.length ? (
        <ul className="member-perks">
          {perks.map((perk) => (
            <li key={perk}>{perk}</li>
          ))}
        </ul>
      ) : null}
      {page.tierChanges.length ? (
        <div className="member-tier-history" data-testid="member-page-tier-changes">
          <Typography.Text strong>{t('memberPage.tierHistory')}</Typography.Text>
          <ul className="member-list">
            {page.tierChanges.map((change) => (
              <li key={`${change.at}-${change.kind}`} className="member-entry">
                <div className="member-row">
                  <Typography.Text strong>
                    {t(`loyalty.tierChange.kinds.${change.kind}`)}
                  </Typography.Text>
                  <Typography.Text type="secondary" className="member-small">
                    {formatDate(change.at, locale, page.timeZone)}
                  </Typography.Text>
                </div>
                <Typography.Text type="secondary" className="member-why">
                  {explainTierChange(change, explain)}
                </Typography.Text>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}

/** How the member's page words explanations: the program's money, zone and tier names. */
function memberExplain(page: PublicMemberPage, t: TFunction, locale: string): ExplainContext {
  return {
    t,
    locale,
    currency: page.currency,
    timeZone: page.timeZone,
    tierName: tierNames({ tiers: { levels: page.tiers } }),
    forStaff: false,
  };
}

type Reward = PublicMemberPage['rewards'][number];

/** Why the member cannot redeem a reward now (a tag), or null when they can. */
function unavailableReason(
  reward: Reward,
  page: PublicMemberPage,
  now: number,
  t: TFunction,
  locale: string,
): { text: string; kind: 'soldOut' | 'notYet' | 'limit' | 'short' } | null {
  if (reward.stock !== null && reward.stock <= 0)
    return { text: t('memberPage.soldOut'), kind: 'soldOut' };
  if (reward.validFrom !== null && Date.parse(reward.validFrom) > now)
    return {
      text: t('memberPage.from', { date: formatDate(reward.validFrom, locale, page.timeZone) }),
      kind: 'notYet',
    };
  if (reward.leftForMember === 0) return { text: t('memberPage.limitReached'), kind: 'limit' };
  if (page.available < reward.pointsCost)
    return {
      text: t('memberPage.missing', {
        points: formatNumber(reward.pointsCost - page.available, locale),
      }),
      kind: 'short',
    };
  return null;
}

/**
 * The reason a redemption failed, in the member's words: by the server's `reason` where it
 * gives one (the limit reached, a tier, sold out …), else by the problem's code.
 */
function redeemErrorText(error: unknown, t: TFunction): string {
  const code = error instanceof ApiError ? error.code : 'INTERNAL';
  const byCode = t(`memberPage.redeemErrors.${code}`, {
    defaultValue: t('memberPage.redeemErrors.other'),
  });
  const why = error instanceof ApiError ? error.fieldErrors.find((field) => field.reason) : null;
  if (!why?.reason) return byCode;
  const params = why.params ?? {};
  // The times redeemed pick the plural form ("1 time", "2 times") and fill in `{{count}}`.
  const count = typeof params['redeemed'] === 'number' ? { count: params['redeemed'] } : {};
  return t(`memberPage.redeemReasons.${why.reason}`, {
    replace: { ...params, ...count },
    ...count,
    defaultValue: byCode,
  });
}

function RedeemResult({
  result,
  page,
  onClose,
}: {
  result: { reward: Reward; redemption: PublicRedemption } | null;
  page: PublicMemberPage;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const coupon = result?.redemption.coupon;
  return (
    <Modal
      open={result !== null}
      onCancel={onClose}
      centered
      footer={
        <Button type="primary" block onClick={onClose}>
          {t('memberPage.done')}
        </Button>
      }
    >
      {result ? (
        <Result
          status="success"
          icon={resultIcons.success}
          className="member-result"
          data-testid="member-redeem-result"
          title={t('memberPage.redeemed', { name: result.reward.name })}
          subTitle={t('memberPage.newBalance', {
            points: formatNumber(result.redemption.balance.available, locale),
          })}
        >
          {coupon ? (
            <div className="member-coupon">
              <Typography.Text type="secondary">{t('memberPage.couponCode')}</Typography.Text>
              <Typography.Text
                strong
                copyable={copyButton()}
                className="member-coupon-code"
                data-testid="member-coupon-code"
              >
                {coupon.code}
              </Typography.Text>
              <Typography.Text type="secondary" className="member-small">
                {coupon.expiresAt
                  ? t('memberPage.couponUntil', {
                      date: formatDateTime(coupon.expiresAt, locale, page.timeZone),
                    })
                  : t('memberPage.couponHint')}
              </Typography.Text>
            </div>
          ) : null}
        </Result>
      ) : null}
    </Modal>
  );
}

function RewardsCard({ page, token }: { page: PublicMemberPage; token: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const n = (value: number) => formatNumber(value, locale);
  const [now] = useState(() => Date.now());
  const redeem = usePublicRedeem(token);
  // The reward being confirmed and the key of this confirmation: pressing OK again after a
  // lost answer sends the same key, so the member is charged once.
  const [confirming, setConfirming] = useState<{ reward: Reward; key: string } | null>(null);
  const [result, setResult] = useState<{ reward: Reward; redemption: PublicRedemption } | null>(
    null,
  );
  const rewards = [...page.rewards].sort((a, b) => a.pointsCost - b.pointsCost);
  function confirm() {
    if (!confirming || redeem.isPending) return;
    const { reward, key } = confirming;
    redeem.mutate(
      { rewardId: reward.id, idempotencyKey: key },
      {
        onSuccess: (redemption) => {
          setConfirming(null);
          setResult({ reward, redemption });
        },
      },
    );
  }
  return (
    <Section
      icon={<GiftOutlined aria-hidden />}
      title={t('memberPage.rewards')}
      testId="member-page-rewards"
    >
      {rewards.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('memberPage.noRewards')} />
      ) : (
        <ul className="member-list">
          {rewards.map((reward) => {
            const reason = unavailableReason(reward, page, now, t, locale);
            const short = page.available < reward.pointsCost;
            return (
              <li key={reward.id} className="member-reward" data-testid="member-reward">
                <div className="member-row">
                  <Typography.Text strong>{reward.name}</Typography.Text>
                  <Typography.Text strong className="member-cost">
                    {t('memberPage.cost', { points: n(reward.pointsCost) })}
                  </Typography.Text>
                </div>
                {reward.description ? (
                  <Typography.Text type="secondary" className="member-small">
                    {reward.description}
                  </Typography.Text>
                ) : null}
                <div className="member-row">
                  <Space size={4} wrap>
                    {reason ? (
                      <Tag color={reason.kind === 'short' ? 'orange' : 'default'}>
                        {reason.text}
                      </Tag>
                    ) : (
                      <Tag color="green">{t('memberPage.affordable')}</Tag>
                    )}
                    {reward.validTo ? (
                      <Typography.Text type="secondary" className="member-small">
                        {t('memberPage.until', {
                          date: formatLastDay(reward.validTo, locale, page.timeZone),
                        })}
                      </Typography.Text>
                    ) : null}
                  </Space>
                  <Button
                    type="primary"
                    disabled={reason !== null}
                    aria-label={`${t('memberPage.redeem')} ${reward.name}`}
                    title={reason?.text}
                    onClick={() => {
                      redeem.reset();
                      setConfirming({ reward, key: newIdempotencyKey() });
                    }}
                  >
                    {t('memberPage.redeem')}
                  </Button>
                </div>
                {short && reason?.kind !== 'soldOut' ? (
                  <Progress
                    percent={Math.max(0, Math.floor((page.available / reward.pointsCost) * 100))}
                    size="small"
                    showInfo={false}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {rewards.length > 0 ? (
        <Typography.Text type="secondary" className="member-small">
          {t('memberPage.howToRedeem')}
        </Typography.Text>
      ) : null}
      <Modal
        open={confirming !== null}
        centered
        title={confirming ? t('memberPage.confirmTitle', { name: confirming.reward.name }) : ''}
        okText={t('memberPage.confirmOk')}
        cancelText={t('memberPage.cancel')}
        confirmLoading={redeem.isPending}
        onOk={confirm}
        onCancel={() => {
          if (!redeem.isPending) setConfirming(null);
        }}
      >
        {confirming ? (
          <div data-testid="member-redeem-confirmation">
            <Typography.Paragraph>
              {t('memberPage.confirmText', {
                points: n(confirming.reward.pointsCost),
                after: n(page.available - confirming.reward.pointsCost),
              })}
            </Typography.Paragraph>
            {redeem.isError ? (
              <Alert
                type="error"
                showIcon
                data-testid="member-redeem-error"
                title={redeemErrorText(redeem.error, t)}
              />
            ) : null}
          </div>
        ) : null}
      </Modal>
      <RedeemResult result={result} page={page} onClose={() => setResult(null)} />
    </Section>
  );
}

function Section({
  icon,
  title,
  testId,
  children,
}: {
  icon: React.ReactNode;
  title: string;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <Card
      size="small"
      className="member-card"
      title={
        <Space>
          {icon}
          {title}
        </Space>
      }
      data-testid={testId}
    >
      {children}
    </Card>
  );
}

type Coupon = PublicMemberPage['coupons'][number];
const couponColors: Record<Coupon['status'], string> = {
  usable: 'green',
  used: 'default',
  expired: 'red',
};

/** The coupons the member got from rewards: the code stays here after the result dialog. */
function CouponsCard({ page }: { page: PublicMemberPage }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const at = (instant: string) => formatDateTime(instant, locale, page.timeZone);
  return (
    <Section
      icon={<TagsOutlined aria-hidden />}
      title={t('memberPage.myCoupons.title')}
      testId="member-page-coupons"
    >
      {page.coupons.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('memberPage.myCoupons.empty')} />
      ) : (
        <ul className="member-list">
          {page.coupons.map((coupon) => (
            <li key={coupon.code} data-testid="member-coupon">
              <div className="member-row">
                <Typography.Text
                  strong
                  copyable={copyButton(coupon.code)}
                  delete={coupon.status !== 'usable'}
                  className="member-coupon-item-code"
                  data-testid="member-coupon-item-code"
                >
                  {coupon.code}
                </Typography.Text>
                <Tag color={couponColors[coupon.status]}>
                  {t(`memberPage.myCoupons.status.${coupon.status}`)}
                </Tag>
              </div>
              <Typography.Text className="member-why">{coupon.rewardName}</Typography.Text>
              <Typography.Text type="secondary" className="member-small">
                {[
                  t('memberPage.myCoupons.issued', { date: at(coupon.issuedAt) }),
                  coupon.status === 'used' && coupon.usedAt
                    ? t('memberPage.myCoupons.used', { date: at(coupon.usedAt) })
                    : coupon.expiresAt
                      ? t(
                          `memberPage.myCoupons.${coupon.status === 'expired' ? 'expired' : 'until'}`,
                          {
                            date: at(coupon.expiresAt),
                          },
                        )
                      : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </Typography.Text>
            </li>
          ))}
        </ul>
      )}
      {page.moreCoupons ? (
        <Typography.Text
          type="secondary"
          className="member-small"
          data-testid="member-coupons-more"
        >
          {t('memberPage.myCoupons.more', { count: page.coupons.length })}
        </Typography.Text>
      ) : null}
    </Section>
  );
}

function entryTitle(entry: Entry, t: TFunction): string {
  return t(`memberPage.kinds.${entryKind(entry)}`, { defaultValue: entry.kind });
}

/** The page as loaded, with its link's token and when it was loaded (its history's first page). */
type LoadedPage = { page: PublicMemberPage; token: string; loadedAt: number };

function HistoryCard({ page, token, loadedAt }: LoadedPage) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const history = usePublicMemberHistory(token, page, loadedAt);
  const entries = history.data.pages.flatMap((loaded) => loaded.items);
  // A redemption names its reward (the server's name; else the catalog's, while it has it).
  const rewardOf = (entry: Entry) =>
    entry.rewardName ??
    page.rewards.find((reward) => reward.id === entry.explanation.rewardId)?.name;
  const explain = memberExplain(page, t, locale);
  return (
    <Section
      icon={<HistoryOutlined aria-hidden />}
      title={t('memberPage.history')}
      testId="member-page-history"
    >
      {entries.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('memberPage.noHistory')} />
      ) : (
        <ul className="member-list">
          {entries.map((entry) => {
            const sign = entrySign(entry);
            return (
              <li key={entry.id} className="member-entry" data-testid="member-entry">
                <div className="member-row">
                  <Typography.Text strong>{entryTitle(entry, t)}</Typography.Text>
                  <Typography.Text
                    strong
                    className={sign > 0 ? 'member-plus' : sign < 0 ? 'member-minus' : ''}
                  >
                    {signText(sign)}
                    {formatNumber(entry.points, locale)}
                  </Typography.Text>
                </div>
                <Typography.Text type="secondary" className="member-small">
                  {formatDateTime(entry.at, locale, page.timeZone)}
                </Typography.Text>
                {rewardOf(entry) ? (
                  <Typography.Text className="member-why">{rewardOf(entry)}</Typography.Text>
                ) : null}
                {explainEntry(entry, explain).map((line, index) => (
                  <Typography.Text key={index} type="secondary" className="member-why">
                    {line}
                  </Typography.Text>
                ))}
                <SpentLots entry={entry} explain={explain} className="member-why" />
              </li>
            );
          })}
        </ul>
      )}
      {history.isFetchNextPageError ? (
        <Alert
          type="error"
          showIcon
          className="member-small"
          title={t('memberPage.historyError')}
        />
      ) : null}
      {history.hasNextPage ? (
        <Button
          block
          className="member-more"
          data-testid="member-history-more"
          loading={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {t('memberPage.historyMore')}
        </Button>
      ) : null}
    </Section>
  );
}

function MemberView({ page, token, loadedAt }: LoadedPage) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const n = (value: number) => formatNumber(value, locale);
  return (
    <>
      <Card className="member-card member-balance" data-testid="member-page-balance">
        <Typography.Text className="member-label">{t('memberPage.available')}</Typography.Text>
        <div className="member-points" data-testid="member-page-available">
          {n(page.available)}
        </div>
        <div className="member-row member-sub">
          <span>
            {t('memberPage.pending')}: <strong>{n(page.pending)}</strong>
          </span>
          <span>
            {t('memberPage.lifetimeEarned')}: <strong>{n(page.lifetimeEarned)}</strong>
          </span>
        </div>
        {page.wallet !== null ? (
          <div className="member-row member-sub" data-testid="member-page-wallet">
            <span>
              {t('memberPage.wallet')}:{' '}
              <strong>{formatMoney(page.wallet, page.currency, locale)}</strong>
            </span>
          </div>
        ) : null}
        {page.debt > 0 ? (
          <Typography.Paragraph type="danger" className="member-small">
            {t('memberPage.debt', { points: n(page.debt) })}
          </Typography.Paragraph>
        ) : null}
        {page.pending > 0 ? (
          <Typography.Paragraph className="member-small member-note">
            {t('memberPage.pendingHelp')}
          </Typography.Paragraph>
        ) : null}
      </Card>
      {page.nextExpiry ? (
        <Card size="small" className="member-card member-expiry" data-testid="member-page-expiry">
          <Space align="start">
            <ClockCircleOutlined aria-hidden className="member-icon" />
            <Typography.Text>
              {t('memberPage.expiring', {
                points: n(page.nextExpiry.points),
                date: formatDate(page.nextExpiry.at, locale, page.timeZone),
              })}
            </Typography.Text>
          </Space>
        </Card>
      ) : null}
      <TierCard page={page} />
      <RewardsCard page={page} token={token} />
      <CouponsCard page={page} />
      <HistoryCard page={page} token={token} loadedAt={loadedAt} />
      <Typography.Paragraph type="secondary" className="member-footer">
        {t('memberPage.linkValid', {
          date: formatDateTime(page.linkExpiresAt, locale, page.timeZone),
        })}
      </Typography.Paragraph>
    </>
  );
}

/** /member?token=… */
export function MemberPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  // A member's own browser decides the language, unless they picked one here before.
  useLayoutEffect(() => {
    const wanted = storedLocale() ?? browserLocale();
    if (wanted !== i18n.language) void showLocale(wanted);
  }, [i18n]);
  const page = usePublicMemberPage(token);
  const invalid =
    token.length < 10 ||
    (page.isError && page.error instanceof ApiError && [400, 401].includes(page.error.status));
  const title = page.data?.programName ?? t('memberPage.title');
  return (
    <div className="member-page">
      <title>{title}</title>
      <header className="member-header">
        <Typography.Title level={4} className="member-program" data-testid="member-page-program">
          {title}
        </Typography.Title>
        <LanguageSwitch />
      </header>
      <main className="member-main">
        {invalid ? (
          <Result
            status="warning"
            icon={resultIcons.warning}
            title={t('memberPage.invalidTitle')}
            subTitle={t('memberPage.invalidText')}
            data-testid="member-page-invalid"
          />
        ) : page.isPending ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : page.isError ? (
          <ErrorAlert error={page.error} onRetry={() => void page.refetch()} />
        ) : (
          <MemberView page={page.data} token={token} loadedAt={page.dataUpdatedAt} />
        )}
      </main>
    </div>
  );
}
