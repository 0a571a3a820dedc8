// Numbers as people in the firm's country read them: "+32470123456" → "0470 12 34 56" for a Belgian
// number (libphonenumber-js, the metadata the server uses too); a foreign number keeps its
// international form ("+33 6 12 34 56 78").
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export function nationalNumber(e164: string, homeCountry = 'BE'): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === homeCountry ? parsed.formatNational() : parsed.formatInternational();
}
