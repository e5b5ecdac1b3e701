import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { canonicalPath } from './canonical-path';
import { useI18n } from '../lib/i18n/i18n-context';
import { LoginPage } from '../features/login/login-page';
import { TokenPage } from '../features/token/token-page';
import { AppHeader, PublicHeader } from './app-header';
import { RequireSession } from './require-session';

function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <RequireSession>
      <AppHeader />
      <Suspense fallback={<PageLoading />}>{children}</Suspense>
    </RequireSession>
  );
}

// Pages the first screen does not need load on demand: the sign-in and API access pages stay in
// the initial bundle, the rest arrive when the operator opens them.
const ProjectPickerPage = lazy(() =>
  import('../features/session/project-picker-page').then((module) => ({ default: module.ProjectPickerPage })),
);
const CatalogPage = lazy(() =>
  import('../features/catalog/catalog-page').then((module) => ({ default: module.CatalogPage })),
);
const CredentialsPage = lazy(() =>
  import('../features/credentials/credentials-page').then((module) => ({ default: module.CredentialsPage })),
);
const NetworksPage = lazy(() =>
  import('../features/networks/networks-page').then((module) => ({ default: module.NetworksPage })),
);
const InspectorPage = lazy(() =>
  import('../features/inspector/inspector-page').then((module) => ({ default: module.InspectorPage })),
);

function PageLoading() {
  const { t } = useI18n();
  return (
    <p className="p-6" role="status">
      {t('app.loading')}
    </p>
  );
}

function ProjectPickerLayout() {
  return (
    <RequireSession allowUnscoped>
      <AppHeader showNav={false} />
      <Suspense fallback={<PageLoading />}>
        <ProjectPickerPage />
      </Suspense>
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

/** The signed-in pages by path; they share one layout (header, session gate) that stays mounted. */
const signedInPages: Record<string, ComponentType> = {
  '/': TokenPage,
  '/catalog': CatalogPage,
  '/networks': NetworksPage,
  '/credentials': CredentialsPage,
  '/inspector': InspectorPage,
};

function SignedInPage() {
  const [pathname] = useLocation();
  const Page = signedInPages[canonicalPath(pathname)] ?? NotFound;
  return <Page />;
}

/**
 * The app's routes (wouter: https://github.com/molefrog/wouter#switch). One Route matches every
 * signed-in page, so moving between them keeps SignedInLayout mounted, as nested routes did.
 */
export function AppRoutes() {
  return (
    <Switch>
      <Route path="/login">
        <PublicHeader />
        <LoginPage />
      </Route>
      <Route path="/projects">
        <ProjectPickerLayout />
      </Route>
      <Route path={/^\/(catalog|networks|credentials|inspector)?\/*$/i}>
        <SignedInLayout>
          <SignedInPage />
        </SignedInLayout>
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}
