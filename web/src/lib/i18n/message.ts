// Messages in ICU MessageFormat ("{n, plural, one {# appel} other {# appels}}", select for gender),
// formatted with FormatJS's intl-messageformat in the reader's regional locale; and that locale for
// Intl: Belgian French and Dutch, British English — never US formats (12/1/26).
import { IntlMessageFormat } from 'intl-messageformat';

const REGIONAL: Record<string, string> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' };

/** The Intl locale for a UI language: `fr` → `fr-BE`, `en` → `en-GB`; a full tag is kept. */
export function regionalLocale(language: string): string {
  return REGIONAL[language] ?? language;
}

const cache = new Map<string, IntlMessageFormat>();

export function formatMessage(text: string, params: Record<string, string | number>, language: string): string {
  // Plain "{name}" messages need no parser; anything with plural/select/number goes through ICU.
  if (!/\{\w+,/.test(text)) return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
  const locale = regionalLocale(language);
  const key = `${locale}\u0000${text}`;
  let format = cache.get(key);
  if (!format) {
    format = new IntlMessageFormat(text, locale);
    cache.set(key, format);
  }
  return String(format.format(params));
}
