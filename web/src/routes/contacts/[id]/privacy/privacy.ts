// The privacy page's documents: the person, the AI switch, and erasure with its preview step.
import { graphql } from '#lib/graphql.ts';

export const PERSON = graphql(`
  query ($id: UUID!) {
    currentUser {
      role
    }
    contactByRowId(rowId: $id) {
      rowId
      displayName
      aiExcluded
    }
  }
`);

export const SET_AI_EXCLUDED = graphql(`
  mutation ($id: UUID!, $excluded: Boolean!) {
    setContactAiExcluded(input: { contactId: $id, excluded: $excluded }) {
      boolean
    }
  }
`);

export const ERASE = graphql(`
  mutation ($id: UUID!, $confirm: Boolean!) {
    eraseContact(input: { contactId: $id, confirm: $confirm }) {
      result
    }
  }
`);

export interface ErasureResult {
  erased: boolean;
  refused?: string;
  would_remove?: Record<string, number>;
}
