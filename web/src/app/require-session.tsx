import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Redirect, useLocation } from 'wouter';
import { sessionQueryOptions } from '../api/session-queries';
import { scopeOf } from '../api/token-scope';
import { Notice } from '../components/ui/notice';
import { isAuthLostError } from '../lib/api-client';
import { describeError } from '../lib/error-message';
import { useI18n } from '../lib/i18n/i18n-context';

/**
 * Gate for signed-in pages. A 401 is not handled here: lib/query-client.ts sends the operator to
 * /login. An unscoped token leads to the scope picker first (a domain or the system is a scope).
 */
export function RequireSession({
  children,
  allowUnscoped = false,
}: {
  children: ReactNode;
  allowUnscoped?: boolean;
}) {
  const { t } = useI18n();
  const [pathname] = useLocation();
  const session = useQuery(sessionQueryOptions());
  if (session.isPending) return <p className="p-4">{t('app.loading')}</p>;
  if (session.isError) {
    if (isAuthLostError(session.error)) return null;
    return (
      <div className="p-4">
        <Notice tone="error">{describeError(session.error, t)}</Notice>
      </div>
    );
  }
  if (scopeOf(session.data).kind === 'unscoped' && !allowUnscoped && pathname !== '/projects') {
    return <Redirect to="/projects" replace />;
  }
  return <>{children}</>;
}
