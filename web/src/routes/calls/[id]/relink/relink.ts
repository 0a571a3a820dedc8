// Moving a call to another case goes through app_public.relink_call (000034-relink-call.sql): the
// move is audited and announced live, and the call's metadata, description and AI tasks follow.
import { gqlMutation, gqlQuery, graphql, present } from '#lib/graphql.ts';

export interface CaseChoice {
  rowId: string;
  reference: string;
  title: string;
  status: string;
  /** One of the caller's own cases: the likely right answer. */
  mine: boolean;
}

const RELINK = graphql(`
  mutation Relink($call: UUID!, $case: UUID) {
    relinkCall(input: { callId: $call, caseId: $case }) {
      interactionEvent {
        rowId
      }
    }
  }
`);

const CHOICES = graphql(`
  query CaseChoices($call: UUID!, $q: String!, $contact: UUID!, $withContact: Boolean!) {
    caseChoices(callId: $call, query: $q, first: 20) {
      nodes {
        rowId
        reference
        title
        status
      }
    }
    contactByRowId(rowId: $contact) @include(if: $withContact) {
      caseContacts(first: 100) {
        nodes {
          caseId
        }
      }
    }
  }
`);

export async function relinkCall(callId: string, caseId: string | null): Promise<void> {
  await gqlMutation(RELINK, { call: callId, case: caseId });
}

/** The cases this call can go to, best first (the server orders them), the caller's own marked. */
export async function caseChoices(callId: string, query: string, contactId: string | null): Promise<CaseChoice[]> {
  const data = await gqlQuery(CHOICES, {
    call: callId,
    q: query,
    contact: contactId ?? '00000000-0000-0000-0000-000000000000',
    withContact: contactId !== null,
  });
  const mine = new Set(present(data.contactByRowId?.caseContacts.nodes).map((n) => n.caseId));
  return present(data.caseChoices?.nodes).map((k) => ({ ...k, mine: mine.has(k.rowId) }));
}
