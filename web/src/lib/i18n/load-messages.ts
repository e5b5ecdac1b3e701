import { englishMessages, type Language, type Messages } from './messages';

const loaded: Partial<Record<Language, Messages>> = { en: englishMessages };

/** Fetches a language's words once (English ships in the first load); later calls reuse them. */
export async function loadMessages(language: Language): Promise<void> {
  if (loaded[language]) return;
  if (language === 'ru') loaded.ru = (await import('./messages-ru')).russianMessages;
}

/** A loaded language's words; English until the language has loaded. */
export function messagesFor(language: Language): Messages {
  return loaded[language] ?? englishMessages;
}
