import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { sessionQueryOptions } from '../api/session-queries';
import { Button, focusRing } from '../components/ui/button';
import { controlClass } from '../components/ui/field';
import { scopeOf } from '../api/token-scope';
import { ScopeSwitcher } from '../features/session/scope-switcher';
import { useSignOutMutation } from '../features/session/queries';
import { useI18n } from '../lib/i18n/i18n-context';
import type { Language } from '../lib/i18n/messages';
import { readThemeChoice, saveThemeChoice, themeChoices, type ThemeChoice } from '../lib/theme';
import { useLeaveSession } from './leave-session';

function Preferences() {
  const { t, language, setLanguage } = useI18n();
  const [theme, setTheme] = useState<ThemeChoice>(readThemeChoice);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor="header-language" className="sr-only">
        {t('header.language')}
      </label>
      <select
        id="header-language"
        className={controlClass}
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
      >
        <option value="en" lang="en">
          English
        </option>
        <option value="ru" lang="ru">
          Русский
        </option>
      </select>
      <label htmlFor="header-theme" className="sr-only">
        {t('header.theme')}
      </label>
      <select
        id="header-theme"
        className={controlClass}
        value={theme}
        onChange={(event) => {
          const next = event.target.value as ThemeChoice;
          setTheme(next);
          saveThemeChoice(next);
        }}
      >
        {themeChoices.map((choice) => (
          <option key={choice} value={choice}>
            {t(`theme.${choice}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A navigation link that says when it is the current page (aria-current), as react-router's NavLink did. */
function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const [pathname] = useLocation();
  const isActive = pathname === to;
  return (
    <Link
      href={to}
      aria-current={isActive ? 'page' : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${focusRing} ${
        isActive
          ? 'bg-blue-600 text-white'
          : 'text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800'
      }`}
    >
      {children}
    </Link>
  );
}

/** The login page's header: no session yet, so only the name and the language/theme choices. */
export function PublicHeader() {
  const { t } = useI18n();
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <span className="font-semibold">{t('app.name')}</span>
        <div className="ml-auto">
          <Preferences />
        </div>
      </div>
    </header>
  );
}

export function AppHeader({ showNav = true }: { showNav?: boolean }) {
  const { t } = useI18n();
  const session = useQuery(sessionQueryOptions());
  const signOut = useSignOutMutation();
  const leaveSession = useLeaveSession();
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:bg-white focus:p-2 dark:focus:bg-slate-900"
      >
        {t('app.skipToContent')}
      </a>
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
        <span className="font-semibold">{t('app.name')}</span>
        {showNav && (
          <nav aria-label={t('nav.label')} className="order-last w-full sm:order-none sm:w-auto">
            <ul className="flex flex-wrap gap-1">
              <li>
                <NavLink to="/">{t('nav.token')}</NavLink>
              </li>
              <li>
                <NavLink to="/catalog">{t('nav.catalog')}</NavLink>
              </li>
              <li>
                <NavLink to="/networks">{t('nav.networks')}</NavLink>
              </li>
              <li>
                <NavLink to="/credentials">{t('nav.credentials')}</NavLink>
              </li>
              <li>
                <NavLink to="/inspector">{t('nav.inspector')}</NavLink>
              </li>
            </ul>
          </nav>
        )}
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {showNav && session.data && scopeOf(session.data).kind !== 'unscoped' && <ScopeSwitcher />}
          <Preferences />
          {session.data && (
            <span className="hidden text-xs text-slate-600 md:inline dark:text-slate-400">
              {t('header.signedInAs', { user: `${session.data.user.name} @ ${session.data.cloud}` })}
            </span>
          )}
          <Button
            onClick={() =>
              signOut.mutate(undefined, {
                // Signed out either way: a failed revoke still ends the browser's session view.
                onSettled: () => void leaveSession('/login?reason=signed_out'),
              })
            }
            disabled={signOut.isPending}
          >
            {t('header.signOut')}
          </Button>
        </div>
      </div>
    </header>
  );
}
