// What an event claims for good in its document: its own id, and the ids of what it creates once it
// is applied. A key once claimed is never claimed again, so a later event can neither shadow an
// earlier one by copying its id nor create again what an earlier one created (the server refuses
// both at the door; the projection supersedes what got into a log before it did).
import type { ErrorCode } from '$lib/domain/errors';
import type { DomainEvent } from '$lib/domain/events';

export interface Claim {
	/** `event:<id>`, or `<payload key>:<id>` of a created entity (`orderId:…`, `userId:…`) */
	readonly key: string;
	/** the refusal of an event that would claim it again */
	readonly code: ErrorCode;
}

const created = (name: string, id: string, code: ErrorCode): Claim => ({
	key: `${name}:${id}`,
	code
});

/** The event's own id first, then every entity it creates (ids are unique per document). */
export function claimsOf(event: DomainEvent): [Claim, ...Claim[]] {
	const claims: [Claim, ...Claim[]] = [{ key: `event:${event.id}`, code: 'error_duplicate_event' }];
	switch (event.type) {
		case 'user.added':
			claims.push(created('userId', event.payload.userId, 'error_user_exists'));
			break;
		case 'invitation.created':
			claims.push(created('invitationId', event.payload.invitationId, 'error_invitation_exists'));
			break;
		case 'partnership.invited':
			// A link works once: its redemption invites this partnership, never twice.
			claims.push(created('invitationId', event.payload.invitationId, 'error_invitation_redeemed'));
			break;
		case 'relationship.requested':
			claims.push(
				created('relationshipId', event.payload.relationshipId, 'error_relationship_exists')
			);
			break;
		case 'tenantUser.added':
			claims.push(created('tenantUserId', event.payload.tenantUserId, 'error_tenant_user_exists'));
			break;
		case 'order.submitted':
			claims.push(created('orderId', event.payload.orderId, 'error_order_exists'));
			break;
		case 'order.provisioned':
			for (const subscription of event.payload.newSubscriptions) {
				claims.push(
					created('subscriptionId', subscription.subscriptionId, 'error_subscription_exists')
				);
			}
			break;
		case 'directory.entryPublished':
			claims.push(created('providerId', event.payload.providerId, 'error_directory_entry_exists'));
			break;
		default:
			break;
	}
	return claims;
}

/**
 * The first of `claims` already taken in `claimed` (the document's), or in `before` (events ahead of
 * this one in the same update), or by an earlier claim of the same event (one subscription id
 * twice); null when every one is free. O(claims), never a scan of the log.
 */
export function takenClaim(
	claims: readonly Claim[],
	claimed: ReadonlySet<string>,
	before?: ReadonlySet<string>
): Claim | null {
	const own = new Set<string>();
	for (const claim of claims) {
		if (claimed.has(claim.key) || before?.has(claim.key) || own.has(claim.key)) return claim;
		own.add(claim.key);
	}
	return null;
}
