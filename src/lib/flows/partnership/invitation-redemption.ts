// Whether an invitation link can be opened and redeemed, from the inviting org's invitations (and,
// for redemption, the redeemer's org and the partnership, or for a customer link the customer's):
// the rules the server applies before it writes `invitation.redeemed`. Pure: the caller passes the
// clock reading.
import type { Invitation } from '$lib/domain/model';
import { can, type Role } from '$lib/domain/permissions';
import { invitedOrgKind, type OrgKind } from '$lib/domain/rules';
import { isLive } from '$lib/flows/customer/customer-queries';
import type {
	CustomerDocumentState,
	InvitationsDocumentState,
	PartnershipDocumentState
} from '$lib/flows/documents/document-state';
import type { PartnerStanding } from '$lib/flows/enrollment/partner-standing';

/** Why a link cannot be opened: it never synced (or was guessed), or it is closed. */
export type InvitationClosedReason = 'notFound' | 'expired' | 'revoked' | 'used';

/** Why an open link cannot be redeemed by this user. */
export type RedemptionRefusal =
	| InvitationClosedReason
	| 'kindUnsupported'
	| 'wrongOrgKind'
	| 'capabilityMissing'
	| 'alreadyPartnered'
	| 'alreadyCustomer'
	| 'partnershipNotLive'
	| 'countryMismatch'
	| StandingRefusal;

/** A partner of the link (its reseller) that the program has not admitted (partner-standing.ts). */
export type StandingRefusal = 'partnerRejected' | 'partnerPending';

export function standingRedemptionRefusal(standing: PartnerStanding): StandingRefusal | null {
	return standing === 'admitted'
		? null
		: standing === 'rejected'
			? 'partnerRejected'
			: 'partnerPending';
}

/** Invitation kinds that open a customer relationship (the customer accepts or declines). */
export const CUSTOMER_KINDS: readonly Invitation['kind'][] = ['customer', 'customerWithProvider'];

/** Whether a link of this kind (as a lookup names it) asks a customer for a relationship. */
export function isCustomerInvitation(kind: string): boolean {
	return (CUSTOMER_KINDS as readonly string[]).includes(kind);
}

/**
 * The invitation of `sent` (the inviting org's invitations) with this id whose stored hash is
 * `tokenHash`, or null: an index entry is only a hint, the inviting org's log is the truth.
 */
export function invitationWithHash(
	sent: InvitationsDocumentState,
	invitationId: string,
	tokenHash: string
): Invitation | null {
	const invitation = sent.invitations[invitationId];
	return invitation !== undefined && invitation.tokenHash === tokenHash ? invitation : null;
}

/** Null while the link may still be used at `now`; otherwise why not. */
export function invitationClosedReason(
	invitation: Invitation,
	now: number
): InvitationClosedReason | null {
	switch (invitation.status) {
		case 'revoked':
			return 'revoked';
		case 'redeemed':
			return 'used';
		case 'expired':
			return 'expired';
		case 'pending':
			return now > invitation.expiresAt ? 'expired' : null;
	}
}

/** A partnership both sides are in: a second link cannot open it again. */
export function isPartnershipLive(partnership: PartnershipDocumentState | undefined): boolean {
	const status = partnership?.partnership.status;
	return status === 'authorized' || status === 'adminAccessRemoved';
}

export interface RedemptionContext {
	readonly invitation: Invitation;
	readonly inviterOrgId: string;
	readonly redeemerOrgId: string;
	/** the redeemer's org kind, from its org document (null when it has none yet) */
	readonly redeemerOrgKind: OrgKind | null;
	/** the redeeming user's current roles */
	readonly redeemerRoles: readonly Role[];
	/** the redeeming reseller's program standing, from its org document */
	readonly redeemerStanding: PartnerStanding;
	/** the partnership document the redemption would open, if it exists */
	readonly partnership: PartnershipDocumentState | undefined;
	readonly now: number;
}

/** Null when this user may redeem a reseller link for their org now; otherwise the first refusal. */
export function redemptionRefusal(context: RedemptionContext): RedemptionRefusal | null {
	const { invitation } = context;
	const closed = invitationClosedReason(invitation, context.now);
	if (closed) return closed;
	if (invitation.kind !== 'reseller') return 'kindUnsupported';
	if (
		context.redeemerOrgId === context.inviterOrgId ||
		context.redeemerOrgKind !== invitedOrgKind(invitation.kind)
	) {
		return 'wrongOrgKind';
	}
	if (!can(context.redeemerRoles, 'managePartnerships')) return 'capabilityMissing';
	const standing = standingRedemptionRefusal(context.redeemerStanding);
	if (standing) return standing;
	if (isPartnershipLive(context.partnership)) return 'alreadyPartnered';
	return null;
}

export interface CustomerRedemptionContext {
	readonly invitation: Invitation;
	readonly inviterOrgId: string;
	/** the reseller's country/market (relationships stay within one) */
	readonly inviterCountry: string | null;
	/** the inviting reseller's program standing, from its org document */
	readonly inviterStanding: PartnerStanding;
	readonly redeemerOrgId: string;
	readonly redeemerOrgKind: OrgKind | null;
	readonly redeemerCountry: string | null;
	readonly redeemerRoles: readonly Role[];
	/** the customer's `customer/<id>` document, if it exists yet */
	readonly customer: CustomerDocumentState | undefined;
	/** for a combined link: the reseller–provider partnership it names */
	readonly partnership: PartnershipDocumentState | undefined;
	readonly now: number;
}

/** A live relationship with this reseller: a second link cannot open another. */
export function hasLiveRelationship(
	customer: CustomerDocumentState | undefined,
	resellerId: string
): boolean {
	return Object.values(customer?.relationships ?? {}).some(
		(relationship) => relationship.resellerId === resellerId && isLive(relationship)
	);
}

/**
 * Null when this customer user may answer (accept or decline) a customer link for their org now;
 * otherwise the first refusal.
 */
export function customerRedemptionRefusal(
	context: CustomerRedemptionContext
): RedemptionRefusal | null {
	const { invitation } = context;
	const closed = invitationClosedReason(invitation, context.now);
	if (closed) return closed;
	if (!isCustomerInvitation(invitation.kind)) return 'kindUnsupported';
	const standing = standingRedemptionRefusal(context.inviterStanding);
	if (standing) return standing;
	if (context.redeemerOrgId === context.inviterOrgId || context.redeemerOrgKind !== 'customer') {
		return 'wrongOrgKind';
	}
	if (!can(context.redeemerRoles, 'respondToRelationships')) return 'capabilityMissing';
	if (context.inviterCountry === null || context.redeemerCountry !== context.inviterCountry) {
		return 'countryMismatch';
	}
	if (hasLiveRelationship(context.customer, context.inviterOrgId)) return 'alreadyCustomer';
	if (invitation.kind === 'customerWithProvider' && !isPartnershipLive(context.partnership)) {
		return 'partnershipNotLive';
	}
	return null;
}

/**
 * What a new customer account made on the spot must satisfy before anything is written: the link
 * still open and (for a combined link) the partnership live, the same country/market as the reseller.
 */
export function newCustomerRefusal(context: {
	readonly invitation: Invitation;
	readonly inviterCountry: string | null;
	readonly inviterStanding: PartnerStanding;
	readonly country: string;
	readonly partnership: PartnershipDocumentState | undefined;
	readonly now: number;
}): RedemptionRefusal | null {
	const closed = invitationClosedReason(context.invitation, context.now);
	if (closed) return closed;
	if (!isCustomerInvitation(context.invitation.kind)) return 'kindUnsupported';
	const standing = standingRedemptionRefusal(context.inviterStanding);
	if (standing) return standing;
	if (context.inviterCountry === null || context.country !== context.inviterCountry) {
		return 'countryMismatch';
	}
	if (
		context.invitation.kind === 'customerWithProvider' &&
		!isPartnershipLive(context.partnership)
	) {
		return 'partnershipNotLive';
	}
	return null;
}
