// Questions the customer document's guards and access rules ask of its read model: who is a
// reseller or provider of record right now.
import type { CustomerRelationship } from '$lib/domain/model';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';

/** A relationship under which a partner may act: accepted and not (fully) ended. */
export function isLive(relationship: CustomerRelationship): boolean {
	return relationship.status === 'active' || relationship.status === 'resellerOnly';
}

export function isResellerOfRecord(state: CustomerDocumentState, orgId: string): boolean {
	return Object.values(state.relationships).some(
		(relationship) => isLive(relationship) && relationship.resellerId === orgId
	);
}

/** The provider's part is live only in an active combined relationship. */
export function isProviderOfRecord(
	state: CustomerDocumentState,
	orgId: string,
	resellerId?: string | null
): boolean {
	return Object.values(state.relationships).some(
		(relationship) =>
			relationship.status === 'active' &&
			relationship.providerId === orgId &&
			(resellerId == null || relationship.resellerId === resellerId)
	);
}

export function isPartnerOfRecord(state: CustomerDocumentState, orgId: string): boolean {
	return isResellerOfRecord(state, orgId) || isProviderOfRecord(state, orgId);
}

/**
 * The reseller an order counts for: the ordering reseller itself, or the reseller a provider names
 * (`onBehalfOf`), which must share a live relationship with it. Null when there is no relationship.
 */
export function orderPartnerOfRecord(
	state: CustomerDocumentState,
	orgId: string,
	onBehalfOf: string | null
): { resellerId: string; providerId: string | null } | null {
	for (const relationship of Object.values(state.relationships)) {
		if (!isLive(relationship)) continue;
		if (relationship.resellerId === orgId && (onBehalfOf === null || onBehalfOf === orgId)) {
			return {
				resellerId: orgId,
				providerId: relationship.status === 'active' ? relationship.providerId : null
			};
		}
		if (
			relationship.status === 'active' &&
			relationship.providerId === orgId &&
			(onBehalfOf === null || onBehalfOf === relationship.resellerId)
		) {
			return { resellerId: relationship.resellerId, providerId: orgId };
		}
	}
	return null;
}

/** The customer, or a reseller or live provider of the named relationship. */
export function isPartyToRelationship(
	state: CustomerDocumentState,
	orgId: string,
	relationshipId: string
): boolean {
	if (orgId === state.customerId) return true;
	const relationship = state.relationships[relationshipId];
	if (!relationship) return false;
	return (
		relationship.resellerId === orgId ||
		(relationship.providerId === orgId && relationship.status === 'active')
	);
}
