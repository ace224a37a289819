// Which party of a document may write an event (EVENT_RULES' `writer`), from the document's name
// and, for customer documents, its relationships. The projection and checkAppend both ask here.
import type { DocumentRef } from '$lib/domain/documents';
import type { Author, DomainEvent } from '$lib/domain/events';
import { EVENT_RULES } from '$lib/domain/events';
import { PROGRAM_ORG_ID, SYSTEM_USER_ID } from '$lib/domain/ids';
import type { DocumentProjection } from './document-state';
import {
	isPartyToRelationship,
	isPartnerOfRecord,
	isResellerOfRecord
} from '$lib/flows/customer/customer-queries';

export function isSystemAuthor(by: Author): boolean {
	return by.userId === SYSTEM_USER_ID && by.orgId === PROGRAM_ORG_ID;
}

/** True when `event.by` is a party allowed to write this event in this document. */
export function isAllowedWriter(
	ref: DocumentRef,
	state: DocumentProjection,
	event: DomainEvent
): boolean {
	if (isSystemAuthor(event.by)) return true;
	const org = event.by.orgId;
	switch (EVENT_RULES[event.type].writer) {
		case 'system':
			return false;
		case 'member':
			return (ref.kind === 'org' || ref.kind === 'invitations') && org === ref.orgId;
		case 'reviewer':
			return ref.kind === 'org' && org === PROGRAM_ORG_ID && ref.orgId !== PROGRAM_ORG_ID;
		case 'program':
			return org === PROGRAM_ORG_ID;
		case 'reseller':
			return ref.kind === 'partnership' && org === ref.resellerId;
		case 'provider':
			return ref.kind === 'partnership' && org === ref.providerId;
		case 'eitherPartner':
			return ref.kind === 'partnership' && (org === ref.providerId || org === ref.resellerId);
		case 'customer':
			return ref.kind === 'customer' && org === ref.customerId;
		case 'customerOrReseller':
			return (
				ref.kind === 'customer' &&
				state.kind === 'customer' &&
				(org === ref.customerId || isResellerOfRecord(state, org))
			);
		case 'customerOrPartner':
			return (
				ref.kind === 'customer' &&
				state.kind === 'customer' &&
				event.type === 'relationship.ended' &&
				isPartyToRelationship(state, org, event.payload.relationshipId)
			);
		case 'partner':
			return ref.kind === 'customer' && state.kind === 'customer' && isPartnerOfRecord(state, org);
	}
}

/** Writers whose right comes from relationships the log may end concurrently. */
export function dependsOnRelationships(event: DomainEvent): boolean {
	const writer = EVENT_RULES[event.type].writer;
	return writer === 'customerOrReseller' || writer === 'customerOrPartner' || writer === 'partner';
}
