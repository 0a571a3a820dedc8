// An error as the reader should see it: in their language when its code is known (the server's
// stable `code`, REST or GraphQL), else the server's own message.
import { t, type TranslationKey } from './i18n.svelte.ts';
import { ERROR_MESSAGES } from './error-codes.ts';

export function errorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const key = typeof code === 'string' ? ERROR_MESSAGES[code] : undefined;
  if (key) return t(key as TranslationKey);
  return error instanceof Error && error.message ? error.message : t('error.title');
}
