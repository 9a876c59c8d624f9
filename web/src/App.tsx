import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from 'react-router-dom';
import { ApiProblem } from './api/client.ts';
import { useSession } from './auth/use-session.ts';
import type { ConsoleConfig } from './config.ts';
import { ConfigContext } from './config-context.ts';
import { LocaleProvider, useLocale } from './i18n/locale.tsx';
import { theme } from './theme.ts';

// Pages are separate chunks: the first load carries only the shell.
const SignIn = lazy(() => import('./pages/SignIn.tsx'));
const OidcCallback = lazy(() => import('./pages/OidcCallback.tsx'));
const ApplicationsList = lazy(() => import('./pages/ApplicationsList.tsx'));
const ApplicationPage = lazy(() => import('./pages/ApplicationPage.tsx'));
const NewApplication = lazy(() => import('./pages/NewApplication.tsx'));
// The SPC's pages carry ECharts: chunks of their own, loaded only when opened.
const QuotasPage = lazy(() => import('./pages/QuotasPage.tsx'));
const ReportPage = lazy(() => import('./pages/ReportPage.tsx'));
const CampaignsPage = lazy(() => import('./pages/CampaignsPage.tsx'));
// The approving judge's queue and batch decisions.
const QueuePage = lazy(() => import('./pages/QueuePage.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));
const Shell = lazy(() => import('./components/Shell.tsx'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Refusals are answers, not glitches: retry only when the server could not be reached or failed.
      retry: (count, error) =>
        count < 2 && error instanceof ApiProblem && (error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
    },
  },
});

function RequireSession() {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    const returnTo = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?returnTo=${encodeURIComponent(returnTo)}`} replace />;
  }
  return (
    <Suspense fallback={<Loading />}>
      <Shell>
        <Outlet />
      </Shell>
    </Suspense>
  );
}

function Loading() {
  const { t } = useLocale();
  return (
    <div role="status" style={{ padding: 48, textAlign: 'center' }}>
      {t('loading')}
    </div>
  );
}

const page = (element: ReactNode) => <Suspense fallback={<Loading />}>{element}</Suspense>;

const router = createBrowserRouter(
  [
    { path: '/sign-in', element: page(<SignIn />) },
    { path: '/callback', element: page(<OidcCallback />) },
    {
      path: '/',
      element: <RequireSession />,
      children: [
        { index: true, element: <Navigate to="/applications" replace /> },
        { path: 'applications', element: page(<ApplicationsList />) },
        { path: 'applications/new', element: page(<NewApplication />) },
        { path: 'applications/:id', element: page(<ApplicationPage />) },
        { path: 'quotas', element: page(<QuotasPage />) },
        { path: 'reports', element: page(<ReportPage />) },
        { path: 'campaigns', element: page(<CampaignsPage />) },
        { path: 'queue', element: page(<QueuePage />) },
        { path: '*', element: page(<NotFound />) },
      ],
    },
  ],
  { basename: import.meta.env.BASE_URL.replace(/\/$/, '') },
);

function Themed() {
  const { lang } = useLocale();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={theme}
      // "登 录" would be read out letter by letter: keep button labels as written.
      button={{ autoInsertSpace: false }}
    >
      <RouterProvider router={router} />
    </ConfigProvider>
  );
}

export function App({ config }: { config: ConsoleConfig }) {
  return (
    <ConfigContext.Provider value={config}>
      <QueryClientProvider client={queryClient}>
        <LocaleProvider>
          <Themed />
        </LocaleProvider>
      </QueryClientProvider>
    </ConfigContext.Provider>
  );
}
