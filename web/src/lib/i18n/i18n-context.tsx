import {
  createContext,
  useCallback,
  useContext,
  useLayoutEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { readPreference, writePreference } from '../preferences';
import { loadMessages, messagesFor } from './load-messages';
import type { Language, MessageKey } from './messages';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

export function detectLanguage(): Language {
  const stored = readPreference('language');
  if (stored === 'en' || stored === 'ru') return stored;
  const browser = typeof navigator === 'undefined' ? '' : navigator.language.toLowerCase();
  return browser.startsWith('ru') ? 'ru' : 'en';
}

export function translate(
  language: Language,
  key: MessageKey,
  params?: Record<string, string | number>,
): string {
  const template = messagesFor(language)[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({
  children,
  initialLanguage,
}: {
  children: ReactNode;
  initialLanguage?: Language;
}) {
  const [language, setLanguageState] = useState<Language>(() => initialLanguage ?? detectLanguage());
  // The words of a language other than English arrive on demand: switch once they are here.
  const setLanguage = useCallback((next: Language) => {
    writePreference('language', next);
    void loadMessages(next).then(
      () => setLanguageState(next),
      () => undefined, // offline: keep the current language; the choice is saved for the next load
    );
  }, []);
  // A layout effect runs in the commit that shows the new words, so a screen reader never reads
  // Russian under lang="en" (a passive effect runs a task later).
  useLayoutEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo<I18nValue>(
    () => ({ language, setLanguage, t: (key, params) => translate(language, key, params) }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
