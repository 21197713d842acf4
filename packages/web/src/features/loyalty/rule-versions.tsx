import { Button, Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/error-text.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import {
  type EarnRule,
  type LoyaltyProgram,
  type RuleVersion,
  useRuleVersions,
} from './loyalty.api.ts';
import { describeRule } from './rule-drafts.ts';
import { pageArrows } from '../../i18n/antd-config.tsx';

/** Every published version of the rules, newest first; an older one can be loaded to publish again. */
export function RuleVersions({
  program,
  canDesign,
  onLoad,
}: {
  program: LoyaltyProgram;
  canDesign: boolean;
  onLoad: (rules: EarnRule[], version: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const versions = useRuleVersions(program.id);
  const context = { currency: program.currency, timeZone: program.timeZone, locale };
  return (
    <Card size="small" title={t('loyalty.versions.title')} data-testid="rule-versions">
      {versions.isError ? (
        <ErrorAlert error={versions.error} onRetry={() => void versions.refetch()} />
      ) : (
        <Table<RuleVersion>
          size="small"
          rowKey="version"
          loading={versions.isPending}
          dataSource={versions.data?.items ?? []}
          pagination={{ pageSize: 5, hideOnSinglePage: true, size: 'small', ...pageArrows }}
          expandable={{
            expandedRowRender: (row) =>
              row.earnRules.length === 0 ? (
                <Typography.Text type="secondary">{t('loyalty.rules.empty')}</Typography.Text>
              ) : (
                <ul className="version-rules">
                  {row.earnRules.map((rule) => (
                    <li key={rule.id}>
                      <Typography.Text code>{rule.id}</Typography.Text>{' '}
                      {rule.name ? `${rule.name}: ` : ''}
                      {describeRule(rule, t, context)}
                    </li>
                  ))}
                </ul>
              ),
          }}
          columns={[
            {
              title: t('loyalty.versions.version'),
              dataIndex: 'version',
              render: (version: number) => (
                <>
                  v{version}{' '}
                  {version === program.rulesVersion ? (
                    <Tag color="green">{t('loyalty.versions.current')}</Tag>
                  ) : null}
                </>
              ),
            },
            {
              title: t('loyalty.versions.publishedAt'),
              dataIndex: 'createdAt',
              render: (value: string) => formatDateTime(value, locale, program.timeZone),
            },
            {
              title: t('loyalty.versions.rules'),
              key: 'rules',
              align: 'right',
              render: (_, row) => row.earnRules.length,
            },
            ...(canDesign
              ? [
                  {
                    title: '',
                    key: 'load',
                    render: (_: unknown, row: RuleVersion) =>
                      row.version === program.rulesVersion ? null : (
                        <Button size="small" onClick={() => onLoad(row.earnRules, row.version)}>
                          {t('loyalty.versions.load')}
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
        />
      )}
    </Card>
  );
}
