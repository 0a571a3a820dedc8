// The list is loaded from the URL's q (the search box writes it there, debounced): SvelteKit drops a
// search's answer when a newer one has started. A failed search shows no contacts, as before.
import { byText, gqlQuery, graphql, present } from '#lib/graphql.ts';

const SEARCH = graphql(
  'query ($q: String!) { searchContacts(query: $q) { rowId displayName phoneE164 email company } }',
);
const ALL = graphql('{ allContacts(first: 100) { nodes { rowId displayName phoneE164 email company } } }');

export async function load({ url, fetch, depends }) {
  depends('app:contacts');
  const q = url.searchParams.get('q') ?? '';
  try {
    const contacts = q.trim()
      ? present((await gqlQuery(SEARCH, { q }, fetch)).searchContacts)
      : present((await gqlQuery(ALL, {}, fetch)).allContacts?.nodes).toSorted(byText((c) => c.displayName));
    return { contacts };
  } catch {
    return { contacts: [] };
  }
}
