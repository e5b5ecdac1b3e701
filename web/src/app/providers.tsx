import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Button } from '../components/ui/button';
import { I18nProvider, useI18n } from '../lib/i18n/i18n-context';
import type { Language } from '../lib/i18n/messages';
import { ErrorBoundary } from './error-boundary';

function CrashScreen({ reset }: { reset: () => void }) {
  const { t } = useI18n();
  return (
    <main id="main" className="mx-auto max-w-lg space-y-3 px-4 py-10">
      <h1 className="text-xl font-semibold">{t('app.error.title')}</h1>
      <Button onClick={reset}>{t('app.error.retry')}</Button>
    </main>
  );
}

export function Providers({
  queryClient,
  language,
  children,
}: {
  queryClient: QueryClient;
  language?: Language;
  children: ReactNode;
}) {
  return (
    <I18nProvider {...(language ? { initialLanguage: language } : {})}>
      <QueryClientProvider client={queryClient}>
        <ErrorBoundary fallback={(reset) => <CrashScreen reset={reset} />}>{children}</ErrorBoundary>
      </QueryClientProvider>
    </I18nProvider>
  );
}
