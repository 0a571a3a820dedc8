// Issue 13, finding 10: "1 appels", US dates in English (12/1/26). Messages go through ICU plural
// rules and dates through the regional locale (fr-BE, en-GB).
import { describe, it, expect } from 'vitest';
import { formatMessage, regionalLocale } from '../../web/src/lib/i18n/message.ts';
import { formatDateTime } from '../../web/src/lib/format.ts';

const CALLS_FR = '{n, plural, one {# appel} other {# appels}}';
const CALLS_EN = '{n, plural, one {# call} other {# calls}}';

describe('plural messages', () => {
  it('says "1 appel", "0 appel" (French counts zero as singular) and "2 appels"', () => {
    expect([0, 1, 2].map((n) => formatMessage(CALLS_FR, { n }, 'fr'))).toEqual(['0 appel', '1 appel', '2 appels']);
  });

  it('says "0 calls", "1 call", "2 calls" in English', () => {
    expect([0, 1, 2].map((n) => formatMessage(CALLS_EN, { n }, 'en'))).toEqual(['0 calls', '1 call', '2 calls']);
  });

  it('chooses by gender with select', () => {
    const text = '{g, select, female {Terminée} male {Terminé} other {Terminé}}';
    expect(formatMessage(text, { g: 'female' }, 'fr')).toBe('Terminée');
  });

  it('keeps plain "{name}" messages as they are', () => {
    expect(formatMessage('Appel reçu — {who}', { who: 'Marie' }, 'fr')).toBe('Appel reçu — Marie');
  });
});

describe('dates', () => {
  it('uses Belgian French and British English, never US formats', () => {
    expect(regionalLocale('fr')).toBe('fr-BE');
    expect(regionalLocale('en')).toBe('en-GB');
    expect(regionalLocale('nl')).toBe('nl-BE');
    const noon = '2026-12-01T12:00:00Z';
    expect(formatDateTime(noon, 'en')).toMatch(/^01\/12\/2026/);
    expect(formatDateTime(noon, 'fr')).toMatch(/^1\/12\/26|^01\/12\/26/);
    expect(formatDateTime(noon, 'en')).not.toMatch(/^12\/1\/26/);
  });
});
