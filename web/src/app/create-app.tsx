import { useEffect, useLayoutEffect, type ComponentType, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { canonicalPath } from './canonical-path';
import { buildLoginPath, clearSessionQueries, createAppQueryClient } from '../lib/query-client';
import type { Language } from '../lib/i18n/messages';
import { LeaveSessionContext, type LeaveSession } from './leave-session';
import { Providers } from './providers';
import { AppRoutes } from './routes';

interface NavigateOptions {
  replace?: boolean;
}

/**
 * Where the app is and how to move it, for code outside React: the query client's one 401
 * handler and the way out of a session. The router's own hooks keep it current (NavigationBridge).
 */
class AppNavigation {
  pathname = '';
  private navigateWith: ((to: string, options?: NavigateOptions) => void) | null = null;
  private arrivals: (() => void)[] = [];

  follow(pathname: string, navigate: (to: string, options?: NavigateOptions) => void): void {
    this.pathname = pathname;
    this.navigateWith = navigate;
  }

  /**
   * The router is at a new page, and the pages it left have unsubscribed. Every navigation
   * waiting settles, even when another one overtook it: the pages it meant to leave are gone.
   */
  arrive(): void {
    const due = this.arrivals;
    this.arrivals = [];
    for (const resolve of due) resolve();
  }

  /** Navigate; settles once the router has moved (at once when it is already there). */
  navigate(to: string, options?: NavigateOptions): Promise<void> {
    const navigateWith = this.navigateWith;
    if (!navigateWith || new URL(to, 'http://app.invalid').pathname === this.pathname) {
      navigateWith?.(to, options);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.arrivals.push(resolve);
      navigateWith(to, options);
    });
  }
}

function NavigationBridge({ navigation }: { navigation: AppNavigation }) {
  const [pathname, navigate] = useLocation();
  useLayoutEffect(() => {
    navigation.follow(pathname, (to, options) => navigate(to, options));
  }, [navigation, navigate, pathname]);
  // A passive effect: React runs the unmounted pages' cleanups (their query subscriptions) first.
  useEffect(() => navigation.arrive(), [navigation, pathname]);
  return null;
}

/**
 * Wire the router and the query client: the client's single 401 handler navigates with the
 * router. `Router` is wouter's Router (the browser's location in main.tsx, a memory location in
 * tests); wouter replaced react-router to keep the first load under its target (docs/decisions/0017-wouter-for-the-first-load.md).
 */
export function createApp(
  Router: ComponentType<{ children: ReactNode }>,
  options: { language?: Language } = {},
) {
  const navigation = new AppNavigation();
  const queryClient = createAppQueryClient({
    isOnAuthScreen: () => canonicalPath(navigation.pathname) === '/login',
    onAuthLost: (lost) => navigation.navigate(buildLoginPath(lost), { replace: true }),
  });
  const leaveSession: LeaveSession = (to) =>
    navigation.navigate(to, { replace: true }).then(() => clearSessionQueries(queryClient));
  const element = (
    <Providers queryClient={queryClient} {...(options.language ? { language: options.language } : {})}>
      <LeaveSessionContext value={leaveSession}>
        <Router>
          <NavigationBridge navigation={navigation} />
          <AppRoutes />
        </Router>
      </LeaveSessionContext>
    </Providers>
  );
  return { queryClient, element };
}
