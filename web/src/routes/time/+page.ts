// The entries are loaded from the URL's filters (./filters.ts), and again when the live connection
// reports a call (drafts follow calls: app:calls) or a change to the work lists (app:work).
import { gqlQuery, graphql, present } from '#lib/graphql.ts';
import { timeFilters } from './filters.ts';

const ENTRIES = graphql(`
  query ($from: Date, $to: Date, $mine: Boolean!, $case: UUID) {
    workTimeEntries(dateFrom: $from, dateTo: $to, mine: $mine, caseId: $case, first: 100) {
      nodes {
        rowId
        entryDate
        minutes
        description
        status
        userId
        interactionEventId
        caseByTenantIdAndCaseId {
          rowId
          reference
        }
        userByTenantIdAndUserId {
          displayName
        }
      }
    }
    allCases(first: 100) {
      nodes {
        rowId
        reference
      }
    }
  }
`);

export async function load({ url, fetch, depends }) {
  depends('app:calls', 'app:work');
  const f = timeFilters(url.searchParams);
  const vars = { mine: f.mine, from: f.from || null, to: f.to || null, case: f.caseId || null };
  // A failed reload keeps the entries shown, under an error, rather than an error page.
  try {
    const result = await gqlQuery(ENTRIES, vars, fetch);
    return { entries: present(result.workTimeEntries?.nodes), cases: present(result.allCases?.nodes), failed: false };
  } catch {
    return { entries: null, cases: [], failed: true };
  }
}
