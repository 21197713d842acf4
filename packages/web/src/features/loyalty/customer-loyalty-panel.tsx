import {
  Button,
  Card,
  Col,
  Empty,
  List,
  Progress,
  Row,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { roleCan, type LoyaltyProgram, type TierChange } from '@fidelis/contracts';
import { ErrorAlert } from '../../api/error-text.tsx';
import { formatDate, formatDateTime, formatNumber } from '../../i18n/format.ts';
import {
  type MemberLoyalty,
  useCustomerLoyalty,
  useMemberEntries,
  useMemberLots,
  usePrograms,
} from './loyalty.api.ts';
import { useCurrentSession } from '../platform/session.ts';
import {
  entryKind,
  entrySign,
  type ExplainContext,
  explainEntry,
  explainTierChange,
  lotsToShow,
  metricAmount,
  nameInSentence,
  settle,
  signText,
  tierLabel,
  ruleNames,
  tierNames,
} from './entry-explanation.ts';
import { MemberAdjustButton } from './member-adjust.tsx';
import { MemberLinkButton } from './member-link-button.tsx';
import { MemberRedeemButton } from './member-redeem.tsx';
import { MemberWallet } from './member-wallet.tsx';
import { SpentLots } from './spent-lots.tsx';
import './loyalty.i18n.ts';
import { pageArrows } from '../../i18n/antd-config.tsx';

function ProgramMember({
  member,
  program,
  timeZone,
  cashback,
}: {
  member: MemberLoyalty;
  /** The program, for its currency and tier names (absent while the programs load). */
  program: LoyaltyProgram | undefined;
  timeZone: string;
  /** The program gives cashback, or the member still has money in the wallet. */
  cashback: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const explain = {
    t,
    locale,
    currency: program?.currency,
    timeZone,
    tierName: tierNames(program),
    ruleName: ruleNames(program),
  };
  const n = (value: number) => formatNumber(value, locale);
  const session = useCurrentSession();
  const lots = useMemberLots(member.programId, member.customerId);
  const entries = useMemberEntries(member.programId, member.customerId);
  const progress = member.progress;
  const next = progress?.nextTier;
  const percent = next
    ? Math.min(100, Math.round((progress.value / Math.max(1, next.threshold)) * 100))
    : 100;
  const history = entries.data?.pages.flatMap((p) => p.items) ?? [];
  // A purchase that earned no points keeps a lot for its spend (tiers) but holds nothing.
  const { shown: shownLots, zeroPoint: zeroPointLots } = lotsToShow(lots.data?.items ?? []);
  return (
    <Space orientation="vertical" size={12} className="full-width" data-testid="loyalty-member">
      <div className="member-program-row">
        <Typography.Text strong>{member.programName}</Typography.Text>
        {roleCan(session.user.role, 'loyalty:operate') ? (
          <Space wrap>
            <MemberRedeemButton member={member} timeZone={timeZone} />
            {roleCan(session.user.role, 'loyalty:design') ? (
              <MemberAdjustButton member={member} />
            ) : null}
            <MemberLinkButton
              programId={member.programId}
              customerId={member.customerId}
              timeZone={timeZone}
            />
          </Space>
        ) : null}
      </div>
      <Row gutter={[16, 8]}>
        <Col xs={12} md={6}>
          <Statistic
            title={t('loyalty.member.available')}
            value={n(member.available)}
            data-testid="member-available"
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.member.pending')} value={n(member.pending)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.member.lifetimeEarned')} value={n(member.lifetimeEarned)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('loyalty.member.debt')} value={n(member.debt)} />
        </Col>
      </Row>
      {member.tier || progress ? (
        <div data-testid="member-tier">
          <Space wrap>
            <Typography.Text>{t('loyalty.member.tier')}</Typography.Text>
            <Tag color="gold">{member.tier?.name ?? t('loyalty.member.noTier')}</Tag>
            <Typography.Text type="secondary">
              {next
                ? settle(
                    t(`loyalty.member.toNext.${progress.metric}`, {
                      amount: metricAmount(progress.metric, progress.remaining, explain),
                      name: nameInSentence(next.name, locale),
                    }),
                  )
                : t('loyalty.member.topTier')}
            </Typography.Text>
          </Space>
          {/* A number even at 100%: antd's tick there is announced as "check-circle". */}
          <Progress percent={percent} size="small" format={(value) => `${value ?? 0}%`} />
        </div>
      ) : null}
      {member.nextExpiry ? (
        <Typography.Text type="warning">
          {t('loyalty.member.nextExpiry', {
            points: n(member.nextExpiry.points),
            date: formatDate(member.nextExpiry.at, locale, timeZone),
          })}
        </Typography.Text>
      ) : null}
      {cashback ? (
        <MemberWallet
          member={member}
          timeZone={timeZone}
          canSpend={roleCan(session.user.role, 'loyalty:operate')}
        />
      ) : null}
      <Typography.Text strong>{t('loyalty.member.lots')}</Typography.Text>
      {lots.isError ? (
        <ErrorAlert error={lots.error} onRetry={() => void lots.refetch()} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          loading={lots.isPending}
          pagination={{ pageSize: 20, hideOnSinglePage: true, ...pageArrows }}
          dataSource={shownLots}
          data-testid="member-lots"
          columns={[
            {
              title: t('loyalty.lot.earnedAt'),
              dataIndex: 'earnedAt',
              render: (value: string) => formatDate(value, locale, timeZone),
            },
            { title: t('loyalty.lot.points'), dataIndex: 'points', align: 'right', render: n },
            {
              title: t('loyalty.lot.remaining'),
              dataIndex: 'remaining',
              align: 'right',
              render: n,
            },
            {
              title: t('loyalty.lot.status'),
              dataIndex: 'status',
              render: (value: string) => t(`loyalty.lot.statuses.${value}`),
            },
            {
              title: t('loyalty.lot.expiresAt'),
              dataIndex: 'expiresAt',
              render: (value: string | null) =>
                value ? formatDate(value, locale, timeZone) : t('loyalty.lot.never'),
            },
          ]}
        />
      )}
      {zeroPointLots > 0 ? (
        <Typography.Text type="secondary" data-testid="member-zero-lots">
          {t('loyalty.member.zeroPointLots', { count: zeroPointLots })}
        </Typography.Text>
      ) : null}
      <TierHistory changes={lots.data?.tierChanges ?? []} explain={explain} />
      <Typography.Text strong>{t('loyalty.member.history')}</Typography.Text>
      {entries.isError ? (
        <ErrorAlert error={entries.error} onRetry={() => void entries.refetch()} />
      ) : entries.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : history.length === 0 ? (
        <Typography.Text type="secondary">{t('loyalty.member.noEntries')}</Typography.Text>
      ) : (
        <>
          <List
            size="small"
            dataSource={history}
            data-testid="member-entries"
            renderItem={(entry) => (
              <List.Item key={entry.id} data-testid="loyalty-entry">
                <Space orientation="vertical" size={0} className="full-width">
                  <Space wrap>
                    <Tag>
                      {t(`loyalty.entry.kinds.${entryKind(entry)}`, { defaultValue: entry.kind })}
                    </Tag>
                    <Typography.Text strong>
                      {signText(entrySign(entry))}
                      {n(entry.points)}
                    </Typography.Text>
                    {entry.rewardName ? (
                      <Typography.Text data-testid="entry-reward">
                        {entry.rewardName}
                      </Typography.Text>
                    ) : null}
                    <Typography.Text type="secondary">
                      {formatDateTime(entry.at, locale, timeZone)}
                    </Typography.Text>
                  </Space>
                  {explainEntry(entry, explain).map((line, index) => (
                    <Typography.Text key={index} type="secondary" className="loyalty-explanation">
                      {line}
                    </Typography.Text>
                  ))}
                  <SpentLots entry={entry} explain={explain} />
                </Space>
              </List.Item>
            )}
          />
          {entries.hasNextPage ? (
            <Button
              onClick={() => void entries.fetchNextPage()}
              loading={entries.isFetchingNextPage}
            >
              {t('loyalty.member.loadMore')}
            </Button>
          ) : null}
        </>
      )}
    </Space>
  );
}

/** A member's tier changes, newest first, each with why in the user's language. */
function TierHistory({ changes, explain }: { changes: TierChange[]; explain: ExplainContext }) {
  const { t, locale, timeZone } = explain;
  if (changes.length === 0) return null;
  const tier = (code: string | null) => tierLabel(code, explain);
  return (
    <>
      <Typography.Text strong>{t('loyalty.member.tierHistory')}</Typography.Text>
      <List
        size="small"
        dataSource={changes}
        pagination={changes.length > 5 ? { pageSize: 5, size: 'small', ...pageArrows } : false}
        data-testid="tier-changes"
        renderItem={(change) => (
          <List.Item data-testid="tier-change">
            <Space orientation="vertical" size={0} className="full-width">
              <Space wrap>
                <Tag color={tierChangeColors[change.kind]}>
                  {t(`loyalty.tierChange.kinds.${change.kind}`)}
                </Tag>
                <Typography.Text strong>
                  {change.kind === 'retain' || change.kind === 'grace'
                    ? tier(change.to)
                    : `${tier(change.from)} → ${tier(change.to)}`}
                </Typography.Text>
                <Typography.Text type="secondary">
                  {formatDateTime(change.at, locale, timeZone)}
                </Typography.Text>
              </Space>
              <Typography.Text type="secondary" className="loyalty-explanation">
                {explainTierChange(change, explain)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </>
  );
}

const tierChangeColors: Record<TierChange['kind'], string> = {
  upgrade: 'green',
  downgrade: 'red',
  grace: 'orange',
  retain: 'blue',
  merge: 'default',
};

/** The customer 360 page's loyalty card: every program the customer belongs to. */
export function CustomerLoyaltyPanel({
  customerId,
  timeZone,
}: {
  customerId: string;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const loyalty = useCustomerLoyalty(customerId);
  // Which programs give cashback: the member view has the balance, the program the scheme.
  const programs = usePrograms();
  const programOf = (programId: string) =>
    programs.data?.items.find((program) => program.id === programId);
  return (
    <Card title={t('loyalty.member.title')} size="small" data-testid="customer-loyalty">
      {loyalty.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : loyalty.isError ? (
        <ErrorAlert error={loyalty.error} onRetry={() => void loyalty.refetch()} />
      ) : loyalty.data.programs.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('loyalty.member.none')} />
      ) : (
        <Space orientation="vertical" size={24} className="full-width">
          {loyalty.data.programs.map((member) => (
            <ProgramMember
              key={member.programId}
              member={member}
              program={programOf(member.programId)}
              timeZone={timeZone}
              cashback={member.wallet !== 0 || Boolean(programOf(member.programId)?.cashback)}
            />
          ))}
        </Space>
      )}
    </Card>
  );
}
