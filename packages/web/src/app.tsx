import { lazy, Suspense } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api/api-client.ts';
import { useAntdConfig } from './i18n/antd-config.tsx';
import { LoginPage } from './features/platform/login-page.tsx';
import { plannedModules } from './features/platform/planned-modules.ts';
import { ComingSoonPage, NotFoundPage } from './features/platform/coming-soon-page.tsx';

// Each page is its own chunk: the login screen loads without the shell, charts or tables.
const AppShell = lazy(() =>
  import('./features/platform/app-shell.tsx').then((m) => ({ default: m.AppShell })),
);
const DashboardPage = lazy(() =>
  import('./features/dashboard/dashboard-page.tsx').then((m) => ({ default: m.DashboardPage })),
);
const CustomerListPage = lazy(() =>
  import('./features/customers/customer-list-page.tsx').then((m) => ({
    default: m.CustomerListPage,
  })),
);
const Customer360Page = lazy(() =>
  import('./features/customers/customer-360-page.tsx').then((m) => ({
    default: m.Customer360Page,
  })),
);
const CustomerImportPage = lazy(() =>
  import('./features/customers/customer-import-page.tsx').then((m) => ({
    default: m.CustomerImportPage,
  })),
);
const AnalyticsPage = lazy(() =>
  import('./features/analytics/analytics-page.tsx').then((m) => ({ default: m.AnalyticsPage })),
);
const LoyaltyPage = lazy(() =>
  import('./features/loyalty/loyalty-page.tsx').then((m) => ({ default: m.LoyaltyPage })),
);
const ProgramCreatePage = lazy(() =>
  import('./features/loyalty/program-create-page.tsx').then((m) => ({
    default: m.ProgramCreatePage,
  })),
);
const ProgramDesignerPage = lazy(() =>
  import('./features/loyalty/program-designer-page.tsx').then((m) => ({
    default: m.ProgramDesignerPage,
  })),
);
const ProgramMembersPage = lazy(() =>
  import('./features/loyalty/program-members-page.tsx').then((m) => ({
    default: m.ProgramMembersPage,
  })),
);
const MemberPage = lazy(() =>
  import('./features/loyalty/member-page.tsx').then((m) => ({ default: m.MemberPage })),
);
const ApiKeysPage = lazy(() =>
  import('./features/platform/api-keys-page.tsx').then((m) => ({ default: m.ApiKeysPage })),
);
const UsersPage = lazy(() =>
  import('./features/platform/users-page.tsx').then((m) => ({ default: m.UsersPage })),
);
const AuditLogPage = lazy(() =>
  import('./features/platform/audit-log-page.tsx').then((m) => ({ default: m.AuditLogPage })),
);
const CustomerAttributesPage = lazy(() =>
  import('./features/customers/customer-attributes-page.tsx').then((m) => ({
    default: m.CustomerAttributesPage,
  })),
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Client errors (404, 403, 422) will not change on retry; network and 5xx may.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

// A lapsed session sends the user back to the login page from wherever they are, whether a
// read or a write found out. The public member page's 401 (a bad link) says nothing about it.
function onApiError(error: unknown) {
  if (error instanceof ApiError && error.status === 401)
    queryClient.setQueryData(['session'], null);
}
queryClient.getQueryCache().subscribe((event) => {
  if (event.type !== 'updated' || event.action.type !== 'error') return;
  const key = event.query.queryKey[0];
  if (key !== 'session' && key !== 'public-member') onApiError(event.action.error);
});
queryClient.getMutationCache().subscribe((event) => {
  if (event.type !== 'updated' || event.action.type !== 'error') return;
  if (event.mutation.options.mutationKey?.[0] !== 'public-member') onApiError(event.action.error);
});

export function App() {
  // antd's texts and icons in the user's language (its icons would say "down", "close").
  const antdConfig = useAntdConfig();
  return (
    <ConfigProvider {...antdConfig} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <Suspense
              fallback={
                <div className="page-center">
                  <Spin size="large" />
                </div>
              }
            >
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                {/* The public member page: no login, no shell (opened from a signed link). */}
                <Route path="/member" element={<MemberPage />} />
                <Route element={<AppShell />}>
                  <Route index element={<DashboardPage />} />
                  <Route path="customers" element={<CustomerListPage />} />
                  <Route path="customers/:id" element={<Customer360Page />} />
                  <Route path="import" element={<CustomerImportPage />} />
                  <Route path="settings/api-keys" element={<ApiKeysPage />} />
                  <Route path="settings/users" element={<UsersPage />} />
                  <Route path="settings/attributes" element={<CustomerAttributesPage />} />
                  <Route path="settings/audit-log" element={<AuditLogPage />} />
                  <Route path="analytics" element={<AnalyticsPage />} />
                  <Route path="loyalty" element={<LoyaltyPage />} />
                  <Route path="loyalty/programs/new" element={<ProgramCreatePage />} />
                  <Route path="loyalty/programs/:programId" element={<ProgramDesignerPage />} />
                  <Route
                    path="loyalty/programs/:programId/members"
                    element={<ProgramMembersPage />}
                  />
                  {plannedModules
                    .filter((module) => module !== 'loyalty')
                    .map((module) => (
                      <Route
                        key={module}
                        path={module}
                        element={<ComingSoonPage module={module} />}
                      />
                    ))}
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </Suspense>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
