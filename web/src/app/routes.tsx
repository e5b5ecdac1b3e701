import { Outlet, type RouteObject } from 'react-router';
import { useI18n } from '../lib/i18n/i18n-context';
import { CatalogPage } from '../features/catalog/catalog-page';
import { LoginPage } from '../features/login/login-page';
import { NetworksPage } from '../features/networks/networks-page';
import { ProjectPickerPage } from '../features/session/project-picker-page';
import { TokenPage } from '../features/token/token-page';
import { AppHeader, PublicHeader } from './app-header';
import { RequireSession } from './require-session';

function SignedInLayout() {
  return (
    <RequireSession>
      <AppHeader />
      <Outlet />
    </RequireSession>
  );
}

function ProjectPickerLayout() {
  return (
    <RequireSession allowUnscoped>
      <AppHeader showNav={false} />
      <ProjectPickerPage />
    </RequireSession>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <main id="main" className="p-6">
      <h1 className="text-xl font-semibold">{t('app.notFound')}</h1>
      <a className="text-blue-700 underline dark:text-blue-300" href="/">
        {t('app.backHome')}
      </a>
    </main>
  );
}

export const appRoutes: RouteObject[] = [
  {
    path: '/login',
    element: (
      <>
        <PublicHeader />
        <LoginPage />
      </>
    ),
  },
  { path: '/projects', element: <ProjectPickerLayout /> },
  {
    path: '/',
    element: <SignedInLayout />,
    children: [
      { index: true, element: <TokenPage /> },
      { path: 'catalog', element: <CatalogPage /> },
      { path: 'networks', element: <NetworksPage /> },
    ],
  },
  { path: '*', element: <NotFound /> },
];
