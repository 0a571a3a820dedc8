// The numbers of a delivery, normalized with the tenant's region, added to its facts: E.164 where the
// number is valid (what contacts are matched on), the raw text where it is not, and a display form.
import type { CountryCode } from 'libphonenumber-js';
import type { CallFacts } from './delivery.ts';
import { normalizePhone, type NormalizedPhone } from '../phone/normalize.ts';

// The same few numbers arrive again and again (the firm's own lines on every call, regular callers):
// parsing one with the full metadata costs more than the rest of a delivery's JavaScript.
const MEMO_MAX = 10_000;
const memo = new Map<string, NormalizedPhone>();

function normalized(raw: string | undefined, region: string): NormalizedPhone {
  if (raw === undefined || raw.length > 64) return normalizePhone(raw, region as CountryCode);
  const key = `${region} ${raw}`;
  let phone = memo.get(key);
  if (!phone) {
    phone = normalizePhone(raw, region as CountryCode);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, phone);
  }
  return phone;
}

function side(prefix: 'caller' | 'callee', phone: NormalizedPhone, raw: string | undefined): Record<string, string> {
  switch (phone.kind) {
    case 'e164':
      return { [`${prefix}_number`]: phone.e164, [`${prefix}_e164`]: phone.e164, [`${prefix}_display`]: phone.display };
    case 'invalid':
      return { [`${prefix}_number`]: phone.raw, [`${prefix}_display`]: phone.raw };
    default:
      return raw ? { [`${prefix}_number`]: raw } : {};
  }
}

export function databaseFacts(facts: CallFacts, region: string): Record<string, unknown> {
  const { from_number_raw, to_number_raw, ...rest } = facts;
  const caller = normalized(from_number_raw, region);
  const callee = normalized(to_number_raw, region);
  const external = facts.direction === 'outbound' ? callee : facts.direction === 'inbound' ? caller : null;
  return {
    ...rest,
    ...side('caller', caller, from_number_raw),
    ...side('callee', callee, to_number_raw),
    ...(facts.anonymous || external?.kind === 'anonymous' ? { anonymous: true } : {}),
  };
}
