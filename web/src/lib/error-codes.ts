// The server's stable error codes (REST `{error: {code}}`, GraphQL `extensions.code`, SQLSTATE) and
// the message each shows in the reader's language. test/unit/web-error-codes.test.ts finds every
// code the server can send and fails when one is missing here.
// Values are keys of the dictionaries in ./i18n.svelte.ts (test/unit/web-error-codes.test.ts checks them).

export const ERROR_MESSAGES: Record<string, string> = {
  // GraphQL (server/graphql/schema.ts) and SQL functions.
  INVALID_PHONE_NUMBER: 'error.code.invalidPhone',
  INVALID_EMAIL: 'error.code.invalidEmail',
  CONTACT_NAME_REQUIRED: 'error.code.contactName',
  NOT_FOUND: 'error.code.notFound',
  P0002: 'error.code.notFound',
  '42501': 'error.code.forbidden',
  // REST (server/http/errors.ts and the handlers).
  bad_request: 'error.code.badRequest',
  invalid_json: 'error.code.badRequest',
  unsupported_media_type: 'error.code.badRequest',
  payload_too_large: 'error.code.badRequest',
  range_not_satisfiable: 'error.code.badRequest',
  invalid_credentials: 'login.failed',
  invalid_credentials_format: 'login.failed',
  invalid_query: 'error.code.badRequest',
  invalid_token: 'error.code.unauthenticated',
  unauthenticated: 'error.code.unauthenticated',
  invalid_signature: 'error.code.unauthenticated',
  metrics_token_required: 'error.code.forbidden',
  not_found: 'error.code.notFound',
  unknown_tenant: 'error.code.notFound',
  no_recording: 'error.code.noRecording',
  recording_unavailable: 'error.code.recordingUnavailable',
  recording_timeout: 'error.code.recordingUnavailable',
  rate_limited: 'error.code.rateLimited',
  too_many_failures: 'error.code.rateLimited',
  unavailable: 'error.code.unavailable',
  internal: 'error.code.internal',
};
