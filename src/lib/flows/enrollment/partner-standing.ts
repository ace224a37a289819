// Program standing: whether the CSP program admitted an org to act as a partner, read from the org's
// own document (its kind, "already enrolled in CSP" and its enrollment application), and which events
// are partner actions that need it. One rule for the server's gate (checkAppend), the invitation
// link services and the app's pages.
import type { DocumentRef } from '$lib/domain/documents';
import type { DomainEvent, EventType } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { EnrollmentStatus, Organization } from '$lib/domain/model';
import type { DocumentProjection } from '$lib/flows/documents/document-state';

/**
 * - `admitted`: may act as a partner. An indirect reseller whose application the program approved
 *   (the account is ready or awaiting its admin agent check), or one already enrolled in CSP whose
 *   application was not rejected; every other org kind (indirect providers are onboarded by the
 *   program itself, see provider-onboarding.ts; the program operator; customers act for themselves).
 * - `rejected`: the program rejected the reseller's application (final: a rejected application is
 *   never reopened, so an already-enrolled reseller that was rejected stays out).
 * - `pending`: an indirect reseller the program has not admitted yet (no application, email
 *   verification pending, under review, more information requested), or an org with no document.
 */
export type PartnerStanding = 'admitted' | 'pending' | 'rejected';

export function partnerStanding(org: DocumentProjection | undefined): PartnerStanding {
	if (org?.kind !== 'org' || org.org === null) return 'pending';
	return standingOf(org.org, org.enrollment.status);
}

/** The same rule from an org's profile and application status (the app's read models hold these). */
export function standingOf(
	org: Pick<Organization, 'kind' | 'alreadyEnrolledInCsp'>,
	status: EnrollmentStatus
): PartnerStanding {
	if (org.kind !== 'indirectReseller') return 'admitted';
	if (status === 'rejected') return 'rejected';
	if (status === 'adminAgentCheck' || status === 'ready') return 'admitted';
	return org.alreadyEnrolledInCsp ? 'admitted' : 'pending';
}

/** The refusal of a partner action by an org of this standing (null when admitted). */
export function standingRefusal(standing: PartnerStanding): ErrorCode | null {
	switch (standing) {
		case 'admitted':
			return null;
		case 'rejected':
			return 'error_partner_rejected';
		case 'pending':
			return 'error_partner_pending';
	}
}

/**
 * Whose standing a partner action needs:
 * - `author`: the org writing it (a customer link, authorizing an indirect provider)
 * - `partnerAuthor`: the author when it is a partner of the customer, not the customer itself
 *   (managing a customer's users and licenses)
 * - `partnerAuthorAndPartnerOfRecord`: as above, and the reseller a provider orders for
 * - `relationshipPartners`: the partners of the relationship the customer accepts
 *
 * Not listed, so never gated: withdrawing and ending (revoke a link, remove admin access, end a
 * partnership or relationship, decline), a reseller's own users and enrollment, and system events
 * (the server's services decide those, with the same function). A reseller the program has not
 * admitted can still tidy up and read what it has; it cannot start or extend partner work.
 */
export type PartnerRule =
	'author' | 'partnerAuthor' | 'partnerAuthorAndPartnerOfRecord' | 'relationshipPartners';

export const PARTNER_ACTIONS: Readonly<Partial<Record<EventType, PartnerRule>>> = {
	'invitation.created': 'author',
	'partnership.authorized': 'author',
	'relationship.accepted': 'relationshipPartners',
	'tenantUser.added': 'partnerAuthor',
	'tenantUser.removed': 'partnerAuthor',
	'license.assigned': 'partnerAuthor',
	'license.unassigned': 'partnerAuthor',
	'order.submitted': 'partnerAuthorAndPartnerOfRecord'
};

/** The orgs whose standing `event`, written in `ref` as it stands (`state`), needs. */
export function partnersActing(
	ref: DocumentRef,
	state: DocumentProjection,
	event: DomainEvent
): string[] {
	const rule = PARTNER_ACTIONS[event.type];
	const author = event.by.orgId;
	const isCustomer = ref.kind === 'customer' && ref.customerId === author;
	switch (rule) {
		case undefined:
			return [];
		case 'author':
			return [author];
		case 'partnerAuthor':
			return isCustomer ? [] : [author];
		case 'partnerAuthorAndPartnerOfRecord': {
			const onBehalfOf = event.type === 'order.submitted' ? event.payload.onBehalfOf : null;
			return [...(isCustomer ? [] : [author]), ...(onBehalfOf ? [onBehalfOf] : [])];
		}
		case 'relationshipPartners': {
			if (state.kind !== 'customer' || event.type !== 'relationship.accepted') return [];
			const relationship = state.relationships[event.payload.relationshipId];
			if (!relationship) return [];
			return [
				relationship.resellerId,
				...(relationship.providerId ? [relationship.providerId] : [])
			];
		}
	}
}

/**
 * The gate's rule: null when every org the event acts for is admitted, else the first one's
 * refusal. `orgDocument` gives an org's projection as the caller holds it (the server loads it from
 * the store; undefined counts as pending, so the server fails closed). An org writing its own
 * document is judged by that document as it stands.
 */
export function standingRefusalFor(
	ref: DocumentRef,
	state: DocumentProjection,
	event: DomainEvent,
	orgDocument: (orgId: string) => DocumentProjection | undefined
): ErrorCode | null {
	for (const orgId of partnersActing(ref, state, event)) {
		const org = ref.kind === 'org' && ref.orgId === orgId ? state : orgDocument(orgId);
		const code = standingRefusal(partnerStanding(org));
		if (code) return code;
	}
	return null;
}
