import { Suspense, useState } from 'react';
import { Avatar, Button, Dropdown, Grid, Layout, Menu, Spin, Typography } from 'antd';
import type { MenuProps } from 'antd';
import {
  ApiOutlined,
  AppstoreOutlined,
  BarChartOutlined,
  CommentOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  GiftOutlined,
  HistoryOutlined,
  LogoutOutlined,
  MenuOutlined,
  NotificationOutlined,
  ProfileOutlined,
  SettingOutlined,
  TeamOutlined,
  UploadOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { roleCan } from '@fidelis/contracts';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { ErrorAlert } from '../../api/error-text.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { useLogout, useSession } from './session.ts';
import { plannedModules } from './planned-modules.ts';
import { selectedKey } from './nav-selection.ts';
import './audit.i18n.ts';

const plannedIcons: Record<(typeof plannedModules)[number], React.ReactNode> = {
  loyalty: <GiftOutlined aria-hidden />,
  feedback: <CommentOutlined aria-hidden />,
  service: <CustomerServiceOutlined aria-hidden />,
  relationships: <TeamOutlined aria-hidden />,
  engagement: <NotificationOutlined aria-hidden />,
};

/** Which menu entry a path belongs to (the longest matching prefix). */

export function AppShell() {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const logout = useLogout();
  const screens = Grid.useBreakpoint();
  const narrow = screens.lg === false;
  const [collapsed, setCollapsed] = useState(false);

  if (session.isPending) {
    return (
      <div className="page-center">
        <Spin size="large" />
      </div>
    );
  }
  if (session.isError) {
    return (
      <div className="page-center">
        <ErrorAlert error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  const { user, tenant } = session.data;
  const canReadAudit = roleCan(user.role, 'audit:read');

  const items: NonNullable<MenuProps['items']> = [
    {
      key: '/',
      icon: <DashboardOutlined aria-hidden />,
      label: <Link to="/">{t('nav.dashboard')}</Link>,
    },
    {
      key: '/customers',
      icon: <UserOutlined aria-hidden />,
      label: <Link to="/customers">{t('nav.customers')}</Link>,
    },
    {
      key: '/import',
      icon: <UploadOutlined aria-hidden />,
      label: <Link to="/import">{t('nav.import')}</Link>,
    },
    {
      key: '/analytics',
      icon: <BarChartOutlined aria-hidden />,
      label: <Link to="/analytics">{t('nav.analytics')}</Link>,
    },
    ...plannedModules.map((module) => ({
      key: `/${module}`,
      icon: plannedIcons[module],
      label: <Link to={`/${module}`}>{t(`nav.${module}`)}</Link>,
    })),
    {
      key: 'settings',
      icon: <SettingOutlined aria-hidden />,
      label: t('nav.settings'),
      children: [
        {
          key: '/settings/api-keys',
          icon: <ApiOutlined aria-hidden />,
          label: <Link to="/settings/api-keys">{t('nav.apiKeys')}</Link>,
        },
        {
          key: '/settings/users',
          icon: <TeamOutlined aria-hidden />,
          label: <Link to="/settings/users">{t('nav.users')}</Link>,
        },
        {
          key: '/settings/attributes',
          icon: <ProfileOutlined aria-hidden />,
          label: <Link to="/settings/attributes">{t('nav.attributes')}</Link>,
        },
        ...(canReadAudit
          ? [
              {
                key: '/settings/audit-log',
                icon: <HistoryOutlined aria-hidden />,
                label: <Link to="/settings/audit-log">{t('nav.auditLog')}</Link>,
              },
            ]
          : []),
      ],
    },
  ];
  const keys = [
    '/',
    '/customers',
    '/import',
    '/analytics',
    ...plannedModules.map((m) => `/${m}`),
    '/settings/api-keys',
    '/settings/users',
    '/settings/attributes',
    '/settings/audit-log',
  ];
  const selected = selectedKey(location.pathname, keys);

  const userMenu: MenuProps = {
    items: [
      { key: 'who', label: user.email, disabled: true },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined aria-hidden />, label: t('shell.logout') },
    ],
    onClick: ({ key }) => {
      if (key === 'logout') {
        void logout().then(() => navigate('/login', { replace: true }));
      }
    },
  };

  return (
    <Layout
      className="app-layout"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && narrow && !collapsed) setCollapsed(true);
      }}
    >
      <Layout.Sider
        breakpoint="lg"
        collapsedWidth={narrow ? 0 : 64}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        trigger={null}
        // Wide enough for the longest English item, "Customer attributes" under Settings.
        width={240}
        theme="light"
        className="app-sider"
      >
        <div className="app-brand">
          <AppstoreOutlined aria-hidden /> {collapsed ? null : <span>Fidelis</span>}
        </div>
        <nav aria-label={t('shell.navigation')}>
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected] : []}
            defaultOpenKeys={selected?.startsWith('/settings') ? ['settings'] : []}
            items={items}
            onClick={() => {
              if (narrow) setCollapsed(true);
            }}
          />
        </nav>
      </Layout.Sider>
      {narrow && !collapsed ? (
        <div
          className="app-backdrop"
          aria-hidden="true"
          data-testid="nav-backdrop"
          onClick={() => setCollapsed(true)}
        />
      ) : null}
      <Layout>
        <Layout.Header className="app-header">
          <Button
            type="text"
            icon={<MenuOutlined aria-hidden />}
            aria-label={t('shell.toggleNavigation')}
            onClick={() => setCollapsed(!collapsed)}
          />
          <Typography.Text strong className="app-tenant" data-testid="tenant-name">
            {tenant.name}
          </Typography.Text>
          <div className="app-header-right">
            <LanguageSwitch />
            <Dropdown menu={userMenu} trigger={['click']}>
              <Button type="text" data-testid="user-menu" aria-label={t('shell.userMenu')}>
                <Avatar size="small" icon={<UserOutlined aria-hidden />} />
                <span className="app-user-name">{user.name}</span>
              </Button>
            </Dropdown>
          </div>
        </Layout.Header>
        <Layout.Content className="app-content">
          <Suspense
            fallback={
              <div className="page-center">
                <Spin />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
