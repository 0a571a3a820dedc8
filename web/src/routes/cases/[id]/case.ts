// The case page's one query, typed from the API schema; CallTimelineItem shows one of its events.
import { graphql, type ResultOf } from '#lib/graphql.ts';

export const CASE = graphql(`
  query ($id: UUID!) {
    caseByRowId(rowId: $id) {
      rowId
      reference
      title
      status
      openedAt
      caseContacts(first: 50) {
        nodes {
          role
          contact {
            rowId
            displayName
            phoneE164
          }
        }
      }
      interactionEvents(first: 100, orderBy: OCCURRED_AT_DESC) {
        nodes {
          rowId
          eventType
          title
          body
          occurredAt
          direction
          callType
          durationSeconds
          hasRecording
          details
          contact {
            displayName
          }
        }
      }
    }
  }
`);

export type CaseView = NonNullable<ResultOf<typeof CASE>['caseByRowId']>;
export type TimelineEvent = NonNullable<CaseView['interactionEvents']['nodes'][number]>;

/** What the timeline reads from an event's details (its metadata, see the schema's description). */
export interface TimelineDetails {
  sentiment_score?: number | null;
  sentiment_label?: string | null;
  ai_summary?: string | null;
  external_number?: string | null;
  external_number_display?: string | null;
}
