// The tasks are loaded from the URL's filters (?mine, ?done), and again when the live connection
// reports a change to the work lists or (re)connects (the layout's invalidate('app:work')).
import { gqlQuery, graphql, present } from '#lib/graphql.ts';

const TASKS = graphql(`
  query ($mine: Boolean!, $done: Boolean!) {
    workTasks(mine: $mine, includeDone: $done, first: 100) {
      nodes {
        rowId
        title
        description
        status
        source
        dueAt
        dueDate
        assigneeId
        callbackNumber
        missedCount
        closedByEventId
        interactionEventId
        case {
          rowId
          reference
        }
      }
    }
    allUsers(first: 100) {
      nodes {
        rowId
        displayName
      }
    }
  }
`);

export async function load({ url, fetch, depends }) {
  depends('app:work');
  const vars = { mine: url.searchParams.has('mine'), done: url.searchParams.has('done') };
  // A failed reload keeps the tasks shown, under an error, rather than an error page.
  try {
    const result = await gqlQuery(TASKS, vars, fetch);
    return { tasks: present(result.workTasks?.nodes), users: present(result.allUsers?.nodes), failed: false };
  } catch {
    return { tasks: null, users: [], failed: true };
  }
}
