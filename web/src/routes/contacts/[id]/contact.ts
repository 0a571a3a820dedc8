// The contact page's data (GraphQL): the contact, their cases and their latest calls; and the two
// writes it offers (a new case for this contact).
import { gqlMutation, graphql } from '#lib/graphql.ts';

export const CONTACT = graphql(`
  query Contact($id: UUID!) {
    contactByRowId(rowId: $id) {
      rowId
      displayName
      company
      email
      phoneE164
      caseContacts(first: 100) {
        nodes {
          case {
            rowId
            reference
            title
            status
          }
        }
      }
      interactionEvents(first: 20, orderBy: [OCCURRED_AT_DESC]) {
        nodes {
          rowId
          occurredAt
          direction
          callType
          durationSeconds
        }
      }
    }
  }
`);

const CREATE_CASE = graphql(`
  mutation NewCase($reference: String!, $title: String!) {
    createCase(input: { case: { reference: $reference, title: $title } }) {
      case {
        rowId
      }
    }
  }
`);
const LINK = graphql(`
  mutation LinkContact($case: UUID!, $contact: UUID!) {
    createCaseContact(input: { caseContact: { caseId: $case, contactId: $contact } }) {
      clientMutationId
    }
  }
`);

/** Opens a case for this contact; returns its id. */
export async function createCaseFor(contactId: string, reference: string, title: string): Promise<string> {
  const created = await gqlMutation(CREATE_CASE, { reference, title });
  const caseId = created.createCase?.case?.rowId;
  if (!caseId) throw new Error('createCase returned no case');
  await gqlMutation(LINK, { case: caseId, contact: contactId });
  return caseId;
}
