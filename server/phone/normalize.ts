// Phone number normalization for everything that enters from Ringover or from staff.
// The "max" metadata knows the valid ranges per number type, so isValid() rejects numbers
// that merely have a plausible length (e.g. +44 7700 900xxx, the UK drama range).
import {
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';

export type { CountryCode };

export type NormalizedPhone =
  | { kind: 'e164'; e164: string; country: string | undefined; display: string } // display = international format, e.g. "+32 470 12 34 56"
  | { kind: 'anonymous' }
  | { kind: 'invalid'; raw: string }
  | { kind: 'empty' };

// Longer input is never a phone number; refusing it early keeps hostile payloads cheap.
const MAX_INPUT_LENGTH = 64;

// Words Ringover and carriers use for a hidden caller (compared lower-cased, accents removed).
const ANONYMOUS_WORDS = new Set([
  'anonymous',
  'anonyme',
  'unknown',
  'inconnu',
  'private',
  'prive',
  'private number',
  'masque',
  'numero masque',
  'hidden',
  'restricted',
  'withheld',
  'unavailable',
  'non disponible',
]);

// What a written number may contain: digits, one leading "+", and separators people use
// (spaces of any kind, dots, slashes, dashes of any kind, parentheses).
const ALLOWED = /^\+?[0-9\s./()\-\u2010-\u2015]*$/;
const SEPARATORS = /[\s./()\-\u2010-\u2015]/g;

export function normalizePhone(raw: string | number | null | undefined, defaultRegion: CountryCode): NormalizedPhone {
  if (raw === null || raw === undefined) return { kind: 'empty' };

  let text: string;
  if (typeof raw === 'number') {
    // Spreadsheets and JSON give numbers as JS numbers (leading 0 lost, "+" impossible):
    // only non-negative safe integers print as plain digits, anything else is garbage.
    if (!Number.isSafeInteger(raw) || raw < 0) return { kind: 'invalid', raw: String(raw) };
    text = String(raw);
  } else {
    text = raw.replaceAll('\u0000', '');
    if (text.length > MAX_INPUT_LENGTH) return { kind: 'invalid', raw: text.slice(0, MAX_INPUT_LENGTH) };
    // NFKC turns full-width digits and no-break spaces into their plain forms.
    text = text.normalize('NFKC').trim();
  }
  if (text === '') return { kind: 'empty' };

  const word = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ');
  if (ANONYMOUS_WORDS.has(word)) return { kind: 'anonymous' };

  if (!ALLOWED.test(text)) return { kind: 'invalid', raw: text };
  const international = text.startsWith('+');
  // "+32 (0)470 …" / "0032 (0)2 …": after a country code the bracketed trunk prefix is not
  // dialled, so drop it; in a national writing "(0)470" it is just a 0 in brackets.
  const written = international || text.startsWith('00') ? text.replace(/\(\s*0\s*\)/g, '') : text;
  const digits = written.replace(SEPARATORS, '').replace('+', '');

  // "+", "0", "00", "+0"…: markers Ringover sends for a hidden number.
  if (digits === '' && text !== '+') return { kind: 'invalid', raw: text };
  if (/^0*$/.test(digits)) return { kind: 'anonymous' };

  const found = pick(digits, international, defaultRegion);
  return found ? toE164(found) : { kind: 'invalid', raw: text };
}

/** For searches typed by staff: returns the E.164 if the text reads as a phone number, else null. */
export function phoneSearchKey(text: string, defaultRegion: CountryCode): string | null {
  const result = normalizePhone(text, defaultRegion);
  return result.kind === 'e164' ? result.e164 : null;
}

function pick(digits: string, international: boolean, region: CountryCode): PhoneNumber | undefined {
  if (international) return valid(`+${digits}`);
  // "00" is the international prefix in all our markets; no national number starts with it.
  if (digits.startsWith('00')) return valid(`+${digits.slice(2)}`);
  // Trunk prefix "0" (or a region-specific exit code such as US "011"): the tenant's region.
  if (digits.startsWith('0')) return valid(digits, region);

  // Bare digits. Ringover writes international numbers this way ("32470123456"), but a
  // national number typed without its trunk 0 ("470123456", US "2125550123") looks the same.
  // Rule: try both readings. If one is valid, take it. If both are valid and differ, prefer
  // the number of the tenant's own country — unless the international reading is itself in
  // the tenant's country (the digits start with its calling code: Ringover's format for a
  // domestic call), which then wins. E.g. FR "492110307" is Nice (+33 4 92 11 03 07), not
  // German +49 2110307; DE "496460061629" is +49 6460 061629, not +49 4964 60061629.
  // Known cost: in variable-length plans (DE, LU, AT) a foreign number sent by Ringover can
  // also be a valid domestic one (DE "32470123456" reads as +49 32470123456).
  const asInternational = valid(`+${digits}`);
  const asNational = valid(digits, region);
  if (!asInternational || !asNational) return asInternational ?? asNational;
  const own = getCountryCallingCode(region);
  return asInternational.countryCallingCode === own ? asInternational : asNational;
}

function valid(text: string, region?: CountryCode): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isValid() ? parsed : undefined;
}

function toE164(number: PhoneNumber): NormalizedPhone {
  return { kind: 'e164', e164: number.number, country: number.country, display: number.formatInternational() };
}
