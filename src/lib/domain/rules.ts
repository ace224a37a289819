// The documentation's rules that are not about who may act: org kinds, MPN ID format, the
// organization-profile country rule, which org kind may send which invitation.
import { isCountryCode, type CountryCode } from './countries';
import { isWebmailAddress, type WebmailList, DEFAULT_WEBMAIL } from './webmail';
import type { ErrorCode } from './errors';

export const ORG_KINDS = [
	'programOperator',
	'indirectProvider',
	'indirectReseller',
	'customer'
] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const INVITATION_KINDS = ['reseller', 'customer', 'customerWithProvider'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

/** A provider invites resellers; a reseller invites customers, alone or with its provider. */
export function mayInvite(orgKind: OrgKind, invitation: InvitationKind): boolean {
	return invitation === 'reseller'
		? orgKind === 'indirectProvider'
		: orgKind === 'indirectReseller';
}

/** Which org kind may redeem (accept) an invitation of this kind. */
export function invitedOrgKind(invitation: InvitationKind): OrgKind {
	return invitation === 'reseller' ? 'indirectReseller' : 'customer';
}

/** Partner network (MPN) IDs are numeric: 6 to 10 digits. */
export const MPN_ID_PATTERN = /^[0-9]{6,10}$/;

export function isMpnId(value: unknown): value is string {
	return typeof value === 'string' && MPN_ID_PATTERN.test(value);
}

/** An organization profile in the Partner Membership Center registry, as offered at MPN linking. */
export interface PartnerNetworkProfile {
	readonly mpnId: string;
	readonly legalName: string;
	readonly country: CountryCode;
}

/**
 * Enrollment: choose the organization profile whose MPN ID is in the same country/region as the
 * work account's tenant; otherwise Cancel and sign in with another PMC account.
 */
export function checkProfileChoice(
	profiles: readonly PartnerNetworkProfile[],
	mpnId: string,
	tenantCountry: CountryCode | null
): ErrorCode | null {
	const profile = profiles.find((candidate) => candidate.mpnId === mpnId);
	if (!profile) return 'error_mpn_not_linked';
	if (!tenantCountry || profile.country !== tenantCountry) return 'error_mpn_country_mismatch';
	return null;
}

/**
 * The profile chosen before anyone clicks: with exactly one organization profile to link there is
 * nothing to choose (issue 21); with several, the reseller picks the one in its tenant's country.
 */
export function preselectedProfile(profiles: readonly PartnerNetworkProfile[]): string | null {
	const [only, ...others] = profiles;
	return only && others.length === 0 ? only.mpnId : null;
}

/** The primary contact gets the verification email and every status update: no webmail. */
export function checkPrimaryContactEmail(
	email: string,
	webmail: WebmailList = DEFAULT_WEBMAIL
): ErrorCode | null {
	return isWebmailAddress(email, webmail) ? 'error_primary_contact_webmail' : null;
}

export function checkCountry(value: unknown): ErrorCode | null {
	return isCountryCode(value) ? null : 'error_country_invalid';
}

/** Emails compare case-insensitively everywhere uniqueness is checked. */
export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}
