import { useLayoutEffect, type ComponentType, type ReactNode } from 'react';
import { useLocation, useNavigate, useRoutes, type NavigateOptions } from 'react-router';
import { buildLoginPath, createAppQueryClient } from '../lib/query-client';
import type { Language } from '../lib/i18n/messages';
import { Providers } from './providers';
import { appRoutes } from './routes';

/**
 * Where the app is and how to move it, for code outside React: the query client's one 401
 * handler. The router's own hooks keep it current (NavigationBridge).
 */
class AppNavigation {
  pathname = '';
  private navigateWith: ((to: string, options?: NavigateOptions) => void) | null = null;

  follow(pathname: string, navigate: (to: string, options?: NavigateOptions) => void): void {
    this.pathname = pathname;
    this.navigateWith = navigate;
  }

  navigate(to: string, options?: NavigateOptions): void {
    this.navigateWith?.(to, options);
  }
}

function NavigationBridge({ navigation }: { navigation: AppNavigation }) {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useLayoutEffect(() => {
    navigation.follow(pathname, (to, options) => void navigate(to, options));
  }, [navigation, navigate, pathname]);
  return null;
}

function AppRoutes() {
  return useRoutes(appRoutes);
}

/**
 * Wire the router and the query client: the client's single 401 handler navigates with the
 * router. `Router` is a declarative router (BrowserRouter in main.tsx, a MemoryRouter in tests):
 * the app uses no loaders or actions, and declarative mode keeps about 16 KiB (gzip) of
 * react-router's data APIs out of the first load (ADR 0007).
 */
export function createApp(
  Router: ComponentType<{ children: ReactNode }>,
  options: { language?: Language } = {},
) {
  const navigation = new AppNavigation();
  const queryClient = createAppQueryClient({
    isOnAuthScreen: () => navigation.pathname === '/login',
    onAuthLost: (lost) => navigation.navigate(buildLoginPath(lost), { replace: true }),
  });
  const element = (
    <Providers queryClient={queryClient} {...(options.language ? { language: options.language } : {})}>
      <Router>
        <NavigationBridge navigation={navigation} />
        <AppRoutes />
      </Router>
    </Providers>
  );
  return { queryClient, element };
}
