// Read model of reseller relationships: which partners a customer has authorized, and their state.
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';

export interface CustomerRelationshipRow {
	doc: string;
	customerId: string;
	relationshipId: string;
	invitationId: string;
	resellerId: string;
	/** the provider of record of a combined invitation; '' when there is none (indexable) */
	providerId: string;
	/** the partners' names the request carried (null when it did not) */
	resellerName: string | null;
	providerName: string | null;
	combined: boolean;
	status: string;
	expiresAt: number;
	requestedAt: string;
	answeredAt: string | null;
	/** org that accepted or declined (the customer) */
	answeredByOrgId?: string | null;
	endedAt: string | null;
	/** org that ended the whole relationship (customer or reseller) */
	endedByOrgId?: string | null;
	/** when and by which org only the provider's part of a combined relationship ended */
	providerEndedAt?: string | null;
	providerEndedByOrgId?: string | null;
}

export function customerRelationshipRows(
	state: CustomerDocumentState,
	doc: string
): CustomerRelationshipRow[] {
	return Object.values(state.relationships).map((relationship) => ({
		doc,
		customerId: state.customerId,
		relationshipId: relationship.relationshipId,
		invitationId: relationship.invitationId,
		resellerId: relationship.resellerId,
		providerId: relationship.providerId ?? '',
		resellerName: relationship.resellerName ?? null,
		providerName: relationship.providerName ?? null,
		combined: relationship.combined,
		status: relationship.status,
		expiresAt: relationship.expiresAt,
		requestedAt: relationship.requested.at,
		answeredAt: relationship.answered?.at ?? null,
		answeredByOrgId: relationship.answered?.by.orgId ?? null,
		endedAt: relationship.ended?.at ?? null,
		endedByOrgId: relationship.ended?.by.orgId ?? null,
		providerEndedAt: relationship.providerEnded?.at ?? null,
		providerEndedByOrgId: relationship.providerEnded?.by.orgId ?? null
	}));
}
