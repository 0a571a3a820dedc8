// The contact is loaded before the page shows, and again whenever the live connection says a call
// or the work on one changed (depends + invalidate in the layout), not by an $effect that re-fetches.
import { gqlQuery } from '#lib/graphql.ts';
import { CONTACT } from './contact.ts';

export async function load({ params, depends }) {
  depends('app:calls', 'app:work');
  const data = await gqlQuery(CONTACT, { id: params.id });
  return { contact: data.contactByRowId };
}
