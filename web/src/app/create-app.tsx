import { RouterProvider, type createBrowserRouter } from 'react-router';
import { buildLoginPath, createAppQueryClient } from '../lib/query-client';
import type { Language } from '../lib/i18n/messages';
import { Providers } from './providers';

type AppRouter = ReturnType<typeof createBrowserRouter>;

/**
 * Wire the router and the query client: the client's single 401 handler navigates with the
 * router. Shared by main.tsx (browser router) and tests (memory router).
 */
export function createApp(router: AppRouter, options: { language?: Language } = {}) {
  const queryClient = createAppQueryClient({
    isOnAuthScreen: () => router.state.location.pathname === '/login',
    onAuthLost: (lost) => router.navigate(buildLoginPath(lost), { replace: true }),
  });
  const element = (
    <Providers queryClient={queryClient} {...(options.language ? { language: options.language } : {})}>
      <RouterProvider router={router} />
    </Providers>
  );
  return { queryClient, element };
}
