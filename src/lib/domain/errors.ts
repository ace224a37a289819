// Every error the domain can report, as the i18n key the app shows (`m[code]()`); both catalogs
// (en, ja) must define each one, which a unit test checks.

export const ERROR_CODES = [
	// Event shape (schemas)
	'error_event_malformed',
	'error_event_unknown_type',
	'error_event_missing_author',
	'error_event_invalid_id',
	'error_event_invalid_timestamp',
	'error_event_in_future',
	'error_event_too_old',
	'error_field_required',
	'error_field_invalid',
	'error_field_unknown',
	'error_field_too_long',
	'error_list_too_long',
	'error_list_empty',
	'error_email_invalid',
	'error_url_invalid',
	'error_country_invalid',
	'error_mpn_id_invalid',
	'error_token_hash_invalid',
	'error_password_hash_invalid',
	'error_primary_contact_webmail',
	'error_quantity_invalid',
	// Who may write what (checkAppend)
	'error_author_mismatch',
	'error_system_only',
	'error_missing_capability',
	'error_wrong_document',
	'error_not_a_party',
	'error_global_admin_required',
	'error_wrong_org_kind',
	'error_partner_rejected',
	'error_partner_pending',
	// Business rules (the projection marks refused events superseded with these)
	'error_duplicate_event',
	'error_not_allowed_now',
	'error_org_missing',
	'error_org_exists',
	'error_user_exists',
	'error_user_missing',
	'error_email_taken',
	'error_domain_taken',
	'error_last_global_admin',
	'error_invitation_missing',
	'error_invitation_exists',
	'error_invitation_revoked',
	'error_invitation_redeemed',
	'error_invitation_expired',
	'error_partnership_not_invited',
	'error_partnership_authorized',
	'error_partnership_revoked',
	'error_partnership_ended',
	'error_admin_access_removed',
	'error_relationship_missing',
	'error_relationship_exists',
	'error_relationship_declined',
	'error_relationship_ended',
	'error_relationship_not_pending',
	'error_no_relationship',
	'error_customer_missing',
	'error_offer_unknown',
	'error_quantity_out_of_range',
	'error_subscription_exists',
	'error_subscription_missing',
	'error_subscription_not_active',
	'error_term_not_offered',
	'error_no_license_available',
	'error_license_already_assigned',
	'error_license_not_assigned',
	'error_tenant_user_exists',
	'error_tenant_user_missing',
	'error_order_exists',
	'error_order_missing',
	'error_order_not_submitted',
	'error_enrollment_not_started',
	'error_enrollment_submitted',
	'error_enrollment_not_under_review',
	'error_enrollment_closed',
	'error_mpn_not_linked',
	'error_mpn_country_mismatch',
	'error_not_already_enrolled',
	'error_enrollment_details_missing',
	'error_admin_agent_missing',
	'error_directory_entry_exists',
	'error_directory_entry_missing',
	// Admin relationships (GDAP)
	'error_gdap_name_taken',
	'error_gdap_duration_out_of_range',
	'error_gdap_roles_required',
	'error_gdap_auto_extend_global_admin'
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const codes: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: unknown): value is ErrorCode {
	return typeof value === 'string' && codes.has(value);
}

/**
 * Shaped like an error code (`error_…`), known to this build or not (a newer server's): shown as
 * its message, or as the unexpected-error sentence; anything else is older free text.
 */
export function hasErrorCodeShape(value: unknown): value is string {
	return typeof value === 'string' && /^error_[a-z_]+$/.test(value);
}

/** A refusal as the domain reports it: the code for the user, a path and detail for developers. */
export interface DomainError {
	readonly code: ErrorCode;
	readonly path?: string;
	readonly message: string;
}
