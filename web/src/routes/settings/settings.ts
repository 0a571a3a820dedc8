// The firm's custody settings (issue 12), read by everyone and written by admins (the database refuses
// anyone else: the update then changes no row, and PostGraphile answers with an error).
import { graphql, type ResultOf } from '#lib/graphql.ts';

export const SETTINGS = graphql(`
  query {
    currentUser {
      role
    }
    allTenantSettings(first: 1) {
      nodes {
        tenantId
        aiEnabled
        aiTranscript
        aiSummary
        aiSentiment
        aiExcludedTags
        retentionRecordingsDays
        retentionAiDays
        retentionRawBodiesDays
        retentionLiveEventsDays
      }
    }
  }
`);

export const SAVE_SETTINGS = graphql(`
  mutation ($tenantId: UUID!, $patch: TenantSettingPatch!) {
    updateTenantSettingByTenantId(input: { tenantId: $tenantId, tenantSettingPatch: $patch }) {
      tenantSetting {
        tenantId
      }
    }
  }
`);

export type Settings = NonNullable<ResultOf<typeof SETTINGS>['allTenantSettings']>['nodes'][number];

/** A number field: empty means no limit (null); anything else a whole number of days. */
export function days(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : Math.max(1, Math.round(Number(trimmed)));
}
