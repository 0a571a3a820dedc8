import { describe, it, expect } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalizePhone, phoneSearchKey, type CountryCode } from '../../server/phone/normalize.ts';

// [written form, tenant region, expected E.164]
const VALID: Array<[string | number, CountryCode, string]> = [
  // Belgium
  ['+32470123456', 'BE', '+32470123456'],
  ['0032470123456', 'BE', '+32470123456'],
  ['0470 12 34 56', 'BE', '+32470123456'],
  ['+32 (0)470 12.34.56', 'BE', '+32470123456'],
  ['0470/12.34.56', 'BE', '+32470123456'],
  ['32470123456', 'BE', '+32470123456'], // Ringover: international without "+"
  ['470123456', 'BE', '+32470123456'], // national without trunk 0
  ['02 234 56 78', 'BE', '+3222345678'],
  ['+32 2 234 56 78', 'BE', '+3222345678'],
  ['3222345678', 'BE', '+3222345678'],
  ['0032 (0)2 234 56 78', 'BE', '+3222345678'],
  ['+32-4-212-34-56', 'BE', '+3242123456'],
  // France
  ['06 12 34 56 78', 'FR', '+33612345678'],
  ['06.12.34.56.78', 'FR', '+33612345678'],
  ['+33 6 12 34 56 78', 'FR', '+33612345678'],
  ['0033612345678', 'FR', '+33612345678'],
  ['33612345678', 'FR', '+33612345678'],
  ['+33 (0)1 42 68 53 00', 'FR', '+33142685300'],
  ['01-42-68-53-00', 'FR', '+33142685300'],
  ['33142685300', 'FR', '+33142685300'],
  ['0032 470 12 34 56', 'FR', '+32470123456'],
  // Netherlands
  ['06 12345678', 'NL', '+31612345678'],
  ['31612345678', 'NL', '+31612345678'],
  ['+31 (0)20 123 4567', 'NL', '+31201234567'],
  ['020-1234567', 'NL', '+31201234567'],
  // Luxembourg (no trunk prefix)
  ['621 123 456', 'LU', '+352621123456'],
  ['352621123456', 'LU', '+352621123456'],
  ['00352 621 123 456', 'LU', '+352621123456'],
  ['+352 27 12 34 56', 'LU', '+35227123456'],
  // Germany
  ['0151 23456789', 'DE', '+4915123456789'],
  ['4915123456789', 'DE', '+4915123456789'],
  ['030 12345678', 'DE', '+493012345678'],
  ['030/12345678', 'DE', '+493012345678'],
  ['+49 (0)30 12345678', 'DE', '+493012345678'],
  // United Kingdom
  ['07400 123456', 'GB', '+447400123456'],
  ['447400123456', 'GB', '+447400123456'],
  ['0044 7400 123456', 'GB', '+447400123456'],
  ['020 7946 0000', 'GB', '+442079460000'],
  ['+44 (0)20 7946 0000', 'GB', '+442079460000'],
  // United States
  ['(212) 555-0123', 'US', '+12125550123'],
  ['212-555-0123', 'US', '+12125550123'],
  ['212.555.0123', 'US', '+12125550123'],
  ['2125550123', 'US', '+12125550123'],
  ['12125550123', 'US', '+12125550123'],
  ['+1 212 555 0123', 'US', '+12125550123'],
  ['011 32 470 12 34 56', 'US', '+32470123456'], // US exit code
  ['0032470123456', 'US', '+32470123456'], // "00" read as international everywhere
  // Foreign numbers as Ringover sends them, on a BE tenant
  ['33612345678', 'BE', '+33612345678'],
  ['31201234567', 'BE', '+31201234567'],
  ['352621123456', 'BE', '+352621123456'],
  ['4915123456789', 'BE', '+4915123456789'],
  ['442079460000', 'BE', '+442079460000'],
  ['12125550123', 'BE', '+12125550123'],
  // JS numbers (the leading 0 of a national number is lost on the way)
  [32470123456, 'BE', '+32470123456'],
  [470123456, 'BE', '+32470123456'],
  [33142685300, 'FR', '+33142685300'],
  [2125550123, 'US', '+12125550123'],
  // Unusual characters that still spell a number
  ['0470\u00a012\u00a034\u00a056', 'BE', '+32470123456'], // no-break spaces
  ['０４７０１２３４５６', 'BE', '+32470123456'], // full-width digits
  ['0470–12–34–56', 'BE', '+32470123456'], // en dashes
  ['  +32470123456\n', 'BE', '+32470123456'],
  ['+3247\u00000123456', 'BE', '+32470123456'], // NUL stripped
];

describe('normalizePhone: valid numbers', () => {
  it.each(VALID)('reads %j for a %s tenant as %s', (raw, region, e164) => {
    // Guard against asserting a number libphonenumber itself would not call valid.
    expect(parsePhoneNumberFromString(e164)?.isValid()).toBe(true);
    expect(normalizePhone(raw, region)).toMatchObject({ kind: 'e164', e164 });
  });

  it('returns the country and the international display format', () => {
    expect(normalizePhone('0470 12 34 56', 'BE')).toEqual({
      kind: 'e164',
      e164: '+32470123456',
      country: 'BE',
      display: '+32 470 12 34 56',
    });
    expect(normalizePhone('33142685300', 'BE')).toEqual({
      kind: 'e164',
      e164: '+33142685300',
      country: 'FR',
      display: '+33 1 42 68 53 00',
    });
  });

  it('reports the precise territory when a calling code is shared (Guernsey under +44)', () => {
    expect(normalizePhone('07911 123456', 'GB')).toMatchObject({ e164: '+447911123456', country: 'GG' });
  });
});

describe('normalizePhone: bare digits that read both ways', () => {
  // Each case is checked to be truly ambiguous: both readings are valid numbers.
  const AMBIGUOUS: Array<[string, CountryCode, string, string]> = [
    // [digits, tenant region, expected, the other valid reading]
    ['492110307', 'FR', '+33492110307', '+492110307'], // Nice, not a German short number
    ['498178660', 'BE', '+32498178660', '+498178660'], // BE mobile, not German
    ['3269871860', 'US', '+13269871860', '+3269871860'], // US, not Belgian
    ['498927357', 'LU', '+352498927357', '+498927357'],
  ];
  it.each(AMBIGUOUS)('prefers the tenant country: %s on a %s tenant is %s', (digits, region, e164, other) => {
    expect(parsePhoneNumberFromString(other)?.isValid()).toBe(true);
    expect(normalizePhone(digits, region)).toMatchObject({ kind: 'e164', e164 });
  });

  it('prefers the international reading when it starts with the tenant calling code (Ringover domestic format)', () => {
    expect(parsePhoneNumberFromString('+49496460061629')?.isValid()).toBe(true); // the other reading
    expect(normalizePhone('496460061629', 'DE')).toMatchObject({ e164: '+496460061629' });
  });

  it('takes the only valid reading: national for US 10 digits, international for a BE number on a FR tenant', () => {
    expect(parsePhoneNumberFromString('+2125550123')?.isValid()).toBe(false);
    expect(normalizePhone('2125550123', 'US')).toMatchObject({ e164: '+12125550123' });
    expect(parsePhoneNumberFromString('32470123456', 'FR')?.isValid()).toBe(false);
    expect(normalizePhone('32470123456', 'FR')).toMatchObject({ e164: '+32470123456' });
  });

  it('is invalid when neither reading is valid', () => {
    expect(normalizePhone('999123', 'BE')).toEqual({ kind: 'invalid', raw: '999123' });
  });

  it('known cost: in a variable-length plan a foreign Ringover number can read as domestic', () => {
    expect(normalizePhone('32470123456', 'DE')).toMatchObject({ e164: '+4932470123456' });
    expect(normalizePhone('+32470123456', 'DE')).toMatchObject({ e164: '+32470123456' }); // with "+", no doubt
  });
});

describe('normalizePhone: invalid input', () => {
  it.each<[string | number, CountryCode]>([
    ['abc', 'BE'],
    ['Dupont', 'FR'],
    ['12', 'BE'],
    ['+32 470', 'BE'],
    ['0470 12 34 5', 'BE'], // one digit short
    ['0470 12 34 56 78', 'BE'], // too long
    ['+44 7700 900123', 'GB'], // right length, range not in service
    ['+33 0 12 34 56 78', 'FR'],
    ['+32470123456 ext 12', 'BE'], // letters
    ['++32470123456', 'BE'],
    ['32470123456+', 'BE'],
    ['#31#0470123456', 'BE'],
    ['tel:+32470123456', 'BE'],
    ['()', 'BE'],
    ['0470 12 34 56; DROP TABLE', 'BE'],
    [-32470123456, 'BE'],
    [3.5, 'BE'],
    [Number.NaN, 'BE'],
    [Number.POSITIVE_INFINITY, 'BE'],
    [1e20, 'BE'],
  ])('rejects %j (%s tenant)', (raw, region) => {
    expect(normalizePhone(raw, region).kind).toBe('invalid');
  });

  it('keeps the raw text of an invalid number for display', () => {
    expect(normalizePhone(' 0470 12 ', 'BE')).toEqual({ kind: 'invalid', raw: '0470 12' });
  });

  it('rejects input over 64 characters and returns at most 64 of them', () => {
    const long = '0'.repeat(30) + '32470123456' + ' '.repeat(30);
    expect(normalizePhone(long, 'BE').kind).toBe('invalid');
    const huge = 'x'.repeat(1_000_000);
    const result = normalizePhone(huge, 'BE');
    expect(result).toEqual({ kind: 'invalid', raw: 'x'.repeat(64) });
  });
});

describe('normalizePhone: empty and anonymous', () => {
  it.each<[string | null | undefined]>([[null], [undefined], [''], ['   '], ['\t\n'], ['\u0000\u0000']])(
    'treats %j as empty',
    (raw) => {
      expect(normalizePhone(raw, 'BE')).toEqual({ kind: 'empty' });
    },
  );

  it.each([
    'anonymous',
    'Anonymous',
    'ANONYMOUS',
    'anonyme',
    'unknown',
    'Unknown',
    'private',
    'privé',
    'masqué',
    'Masque',
    'Numéro masqué',
    'hidden',
    'restricted',
    'withheld',
    'unavailable',
    '+',
    '0',
    '00',
    '+0',
    '0000',
  ])('treats %j as an anonymous caller', (raw) => {
    expect(normalizePhone(raw, 'FR')).toEqual({ kind: 'anonymous' });
  });

  it('treats the number 0 as anonymous', () => {
    expect(normalizePhone(0, 'BE')).toEqual({ kind: 'anonymous' });
  });
});

describe('phoneSearchKey', () => {
  it.each<[string, CountryCode, string | null]>([
    ['0470 12 34 56', 'BE', '+32470123456'],
    ['+32 470 12 34 56', 'FR', '+32470123456'],
    ['01 42 68 53 00', 'FR', '+33142685300'],
    ['32470123456', 'BE', '+32470123456'],
    ['Dupont', 'BE', null],
    ['0470', 'BE', null], // a fragment is not a number
    ['Jean 0470123456', 'BE', null],
    ['', 'BE', null],
    ['anonymous', 'BE', null],
  ])('reads %j (%s) as %s', (text, region, expected) => {
    expect(phoneSearchKey(text, region)).toBe(expected);
  });
});
