import { isApiError } from './api-client';
import type { Translate } from './i18n/i18n-context';

/** A clear, translated sentence for any error; the UI switches on `code`, never on the message. */
export function describeError(error: unknown, t: Translate): string {
  if (!isApiError(error)) return t('error.internal_error');
  if (error.code === 'rate_limited') {
    return error.retryAfter !== undefined
      ? t('error.rate_limited', { seconds: error.retryAfter })
      : t('error.rate_limited_plain');
  }
  return t(`error.${error.code}`);
}
