import { readPreference, writePreference } from './preferences';

export const themeChoices = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof themeChoices)[number];

export function readThemeChoice(): ThemeChoice {
  const stored = readPreference('theme');
  return themeChoices.find((choice) => choice === stored) ?? 'system';
}

function prefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/**
 * Applied from the app bundle, not an inline <head> script: the CSP allows no inline script, so a
 * stored "dark" choice paints after the bundle loads; "system" is right from the first paint.
 */
export function applyTheme(choice: ThemeChoice): void {
  const isDark = choice === 'dark' || (choice === 'system' && prefersDark());
  document.documentElement.classList.toggle('dark', isDark);
  document.documentElement.style.colorScheme = isDark ? 'dark' : 'light';
}

export function saveThemeChoice(choice: ThemeChoice): void {
  writePreference('theme', choice === 'system' ? null : choice);
  applyTheme(choice);
}

/** Keep "system" in step with the OS setting while the page is open. */
export function followSystemTheme(): () => void {
  if (typeof window.matchMedia !== 'function') return () => undefined;
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const onChange = () => {
    if (readThemeChoice() === 'system') applyTheme('system');
  };
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}
