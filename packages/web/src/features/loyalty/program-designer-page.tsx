import { useEffect, useRef } from 'react';
import { Alert, Card, Form, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { roleCan } from '@fidelis/contracts';
import { ErrorAlert } from '../../api/error-text.tsx';
import { useCurrentSession } from '../platform/session.ts';
import { EarningRulesTab } from './earning-rules-tab.tsx';
import { type DesignerTabProps, useProgramPatchForm } from './designer-fields.tsx';
import { useProgram } from './loyalty.api.ts';
import { PartnersTab } from './partners-tab.tsx';
import {
  ProgramSettingsFields,
  settingsOf,
  settingsUpdate,
  type SettingsValues,
} from './program-settings-fields.tsx';
import { ReferralTab } from './referral-tab.tsx';
import { RewardsTab } from './rewards-tab.tsx';
import { TiersTab } from './tiers-tab.tsx';
import './loyalty.i18n.ts';
import './loyalty-designer.i18n.ts';

function SettingsTab(props: DesignerTabProps) {
  const { t } = useTranslation();
  const { program } = props;
  const { formProps, saveBar } = useProgramPatchForm(props, settingsOf, (values: SettingsValues) =>
    settingsUpdate(values, program.currency),
  );
  return (
    <Form<SettingsValues> name="settings" {...formProps}>
      <ProgramSettingsFields currency={program.currency} withStatus />
      <Typography.Paragraph type="secondary">
        {t('loyalty.designer.fixedSettings', {
          currency: program.currency,
          timeZone: program.timeZone,
        })}
      </Typography.Paragraph>
      {saveBar}
    </Form>
  );
}

const tabKeys = ['settings', 'rules', 'tiers', 'rewards', 'referral', 'partners'] as const;
type TabKey = (typeof tabKeys)[number];

/** /loyalty/programs/:programId — the program designer (read-only for roles that may not design). */
export function ProgramDesignerPage() {
  const { t } = useTranslation();
  const { programId = '' } = useParams();
  const session = useCurrentSession();
  const canDesign = roleCan(session.user.role, 'loyalty:design');
  const program = useProgram(programId);
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: TabKey = tabKeys.find((key) => key === requested) ?? 'settings';
  // Opened (a program just created, or a link followed), the focus would be on nothing, so Tab
  // would start at the top of the document: the open tab takes it, the designer's first control.
  const tabs = useRef<HTMLDivElement>(null);
  const loaded = program.isSuccess;
  useEffect(() => {
    if (!loaded) return;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    tabs.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
  }, [loaded, programId]);

  if (program.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (program.isError)
    return <ErrorAlert error={program.error} onRetry={() => void program.refetch()} />;
  const p = program.data;
  const props: DesignerTabProps = { program: p, canDesign };
  const panes: Record<TabKey, React.ReactNode> = {
    settings: <SettingsTab {...props} key={`settings-${p.id}`} />,
    rules: <EarningRulesTab {...props} />,
    tiers: <TiersTab {...props} />,
    rewards: <RewardsTab {...props} />,
    referral: <ReferralTab {...props} />,
    partners: <PartnersTab {...props} />,
  };
  return (
    <>
      <div className="page-header">
        <Space align="center" wrap data-testid="designer-header">
          <Link to={`/loyalty?program=${p.id}`} aria-label={t('loyalty.designer.backToLoyalty')}>
            <ArrowLeftOutlined aria-hidden />
          </Link>
          <Typography.Title level={3}>{p.name}</Typography.Title>
          <Tag color={p.status === 'active' ? 'green' : 'default'}>
            {t(`loyalty.status.${p.status}`)}
          </Tag>
          <Tag>{p.currency}</Tag>
          <Tag>{p.timeZone}</Tag>
          <Tag color="blue">{t('loyalty.designer.rulesVersion', { version: p.rulesVersion })}</Tag>
        </Space>
      </div>
      {!canDesign ? (
        <Alert
          type="info"
          showIcon
          className="designer-readonly"
          title={t('loyalty.designer.readOnly')}
          data-testid="designer-readonly"
        />
      ) : null}
      <Card ref={tabs}>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          items={tabKeys.map((key) => ({
            key,
            label: t(`loyalty.designer.tabs.${key}`),
            children: panes[key],
          }))}
        />
      </Card>
    </>
  );
}
