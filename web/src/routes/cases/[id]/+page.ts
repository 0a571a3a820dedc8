// The case is loaded before the page shows, and again whenever the live connection reports a call
// change or (re)connects (the layout's invalidate('app:cases')). An unknown or unreadable case, or a
// failed load, shows the page's error, as before.
import { gqlQuery } from '#lib/graphql.ts';
import { CASE } from './case.ts';

export async function load({ params, fetch, depends }) {
  depends('app:cases');
  try {
    const data = await gqlQuery(CASE, { id: params.id }, fetch);
    return { kase: data.caseByRowId };
  } catch {
    return { kase: null };
  }
}
