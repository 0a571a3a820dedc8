// Before a contact is created with a number another contact already has: who has it. Two contacts on
// one number make the next call's match ambiguous, so the form warns and asks again.
import { gqlQuery, graphql, present } from '#lib/graphql.ts';

const SEARCH = graphql(
  'query Same($q: String!) { searchContacts(query: $q, first: 20) { rowId displayName phoneE164 email company } }',
);

/** The national digits (no trunk 0, no 00) of what was typed, to compare with an E.164 number's end. */
function digits(text: string): string {
  return text.replace(/\D/g, '').replace(/^0{1,2}/, '');
}

export async function sameNumber(phone: string) {
  const typed = digits(phone);
  if (typed.length < 6) return [];
  const found = present((await gqlQuery(SEARCH, { q: phone })).searchContacts);
  // The search also returns partial matches: keep the numbers that are this one (up to a country code).
  return found.filter((c) => {
    const own = digits(c.phoneE164 ?? '');
    return own.endsWith(typed) && own.length - typed.length <= 3;
  });
}
