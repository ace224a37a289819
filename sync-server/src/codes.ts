// Every refusal code the server sends (HTTP error bodies, websocket close reasons, refused-update
// messages): i18n keys the app shows, listed once so the catalogs can be checked against them.

export const AUTH_CODES = [
	'auth_invalid_credentials',
	'auth_rate_limited',
	'auth_locked',
	'auth_not_signed_in',
	'auth_session_expired',
	'auth_refresh_reused',
	'auth_temporary_password_expired',
	'auth_password_change_required',
	'auth_current_password_wrong',
	'auth_password_too_short',
	'auth_password_too_long',
	'auth_password_personal',
	'auth_password_too_common',
	'auth_password_unchanged',
	'auth_origin_refused',
	'auth_capability_missing',
	'auth_bad_request'
] as const;

export const SYNC_CODES = [
	'sync_document_invalid',
	'sync_document_forbidden',
	'sync_access_revoked',
	'sync_read_only',
	'sync_log_changed',
	'sync_log_not_at_tail',
	'sync_log_not_json',
	'sync_unknown_part',
	'sync_part_forbidden',
	'sync_bad_content',
	'sync_update_incomplete',
	'sync_struct_gc',
	'sync_clock_jump',
	'sync_client_id_taken',
	'sync_client_id_limit',
	'sync_update_malformed',
	'sync_update_too_complex',
	'sync_document_too_large',
	'sync_message_malformed',
	'sync_message_too_large',
	'sync_rate_limited',
	'sync_too_many_connections',
	'sync_too_many_documents',
	'sync_server_error',
	'sync_server_busy',
	'sync_server_shutting_down'
] as const;

/** Refusals of the invitation link API (`/api/invitations/*`). */
export const INVITATION_CODES = [
	'invitation_not_found',
	'invitation_expired',
	'invitation_revoked',
	'invitation_used',
	'invitation_token_invalid',
	'invitation_rate_limited',
	'invitation_wrong_org_kind',
	'invitation_capability_missing',
	'invitation_already_partnered',
	'invitation_kind_unsupported',
	'invitation_already_customer',
	'invitation_partnership_not_live',
	'invitation_country_mismatch',
	'invitation_answer_required'
] as const;

/** Enrollment (issue 7): Partner Membership Center sign-in, verification links, reviewer-only APIs. */
export const ENROLLMENT_CODES = [
	'pmc_invalid_credentials',
	'pmc_no_profiles',
	'enrollment_link_invalid',
	'enrollment_link_used',
	'enrollment_link_expired',
	'enrollment_rate_limited',
	'enrollment_reviewer_only'
] as const;

export type EnrollmentCode = (typeof ENROLLMENT_CODES)[number];
export type AuthCode = (typeof AUTH_CODES)[number];
export type InvitationCode = (typeof INVITATION_CODES)[number];
export type SyncCode = (typeof SYNC_CODES)[number];
