import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { I18nProvider, useI18n } from './i18n-context';

function LanguageSwitch() {
  const { t, setLanguage } = useI18n();
  return (
    <>
      <h1>{t('token.title')}</h1>
      <button type="button" onClick={() => setLanguage('ru')}>
        ru
      </button>
    </>
  );
}

describe('I18nProvider', () => {
  // Outside act() React commits and runs passive effects in separate tasks, as in a browser:
  // this is where a screen reader (or a test) can see Russian words under lang="en".
  let actEnvironment: unknown;
  beforeEach(() => {
    actEnvironment = (globalThis as { IS_REACT_ACT_ENVIRONMENT?: unknown }).IS_REACT_ACT_ENVIRONMENT;
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: unknown }).IS_REACT_ACT_ENVIRONMENT = false;
  });
  afterEach(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: unknown }).IS_REACT_ACT_ENVIRONMENT = actEnvironment;
    document.documentElement.lang = '';
    window.localStorage.clear();
  });

  it('sets the document language in the same commit that shows the new words', async () => {
    render(
      <I18nProvider initialLanguage="en">
        <LanguageSwitch />
      </I18nProvider>,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    const heading = screen.getByRole('heading');
    const langWhenWordsChanged = new Promise<string>((resolve) => {
      const observer = new MutationObserver(() => {
        observer.disconnect();
        resolve(document.documentElement.lang);
      });
      observer.observe(heading, { childList: true, characterData: true, subtree: true });
    });
    screen.getByRole('button', { name: 'ru' }).click();
    expect(await langWhenWordsChanged).toBe('ru');
    expect(heading.textContent).toBe('Доступ по API');
  });
});
