// Whether an invitation link can be opened and redeemed, from the inviting org's document (and, for
// redemption, the redeemer's org and the partnership): the rules the server applies before it writes
// `invitation.redeemed`. Pure: the caller passes the clock reading.
import type { Invitation } from '$lib/domain/model';
import { can, type Role } from '$lib/domain/permissions';
import { invitedOrgKind, type OrgKind } from '$lib/domain/rules';
import type { OrgDocumentState, PartnershipDocumentState } from './document-state';

/** Why a link cannot be opened: it never synced (or was guessed), or it is closed. */
export type InvitationClosedReason = 'notFound' | 'expired' | 'revoked' | 'used';

/** Why an open link cannot be redeemed by this user. */
export type RedemptionRefusal =
	| InvitationClosedReason
	| 'kindUnsupported'
	| 'wrongOrgKind'
	| 'capabilityMissing'
	| 'alreadyPartnered';

/** Invitation kinds redemption handles so far (customer invitations come with their own flow). */
export const REDEEMABLE_KINDS: readonly Invitation['kind'][] = ['reseller'];

/**
 * The invitation of `orgState` with this id whose stored hash is `tokenHash`, or null: an index
 * entry is only a hint, the inviting org's log is the truth.
 */
export function invitationWithHash(
	orgState: OrgDocumentState,
	invitationId: string,
	tokenHash: string
): Invitation | null {
	const invitation = orgState.invitations[invitationId];
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
	/** the partnership document the redemption would open, if it exists */
	readonly partnership: PartnershipDocumentState | undefined;
	readonly now: number;
}

/** Null when this user may redeem the link for their org now; otherwise the first refusal. */
export function redemptionRefusal(context: RedemptionContext): RedemptionRefusal | null {
	const { invitation } = context;
	const closed = invitationClosedReason(invitation, context.now);
	if (closed) return closed;
	if (!REDEEMABLE_KINDS.includes(invitation.kind)) return 'kindUnsupported';
	if (
		context.redeemerOrgId === context.inviterOrgId ||
		context.redeemerOrgKind !== invitedOrgKind(invitation.kind)
	)
		return 'wrongOrgKind';
	if (!can(context.redeemerRoles, 'managePartnerships')) return 'capabilityMissing';
	if (isPartnershipLive(context.partnership)) return 'alreadyPartnered';
	return null;
}
