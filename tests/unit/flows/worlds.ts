// Read models for machine facts: small, explicit worlds in which a guard passes or fails.
import { formatHlc } from '$lib/domain/clock';
import type { DomainEvent, EventType, PayloadOf } from '$lib/domain/events';
import type { OrgUser } from '$lib/domain/model';
import type { Role } from '$lib/domain/permissions';
import { createCustomerState } from '$lib/flows/customer/customer-document.projection';
import type {
	CustomerDocumentState,
	InvitationsDocumentState,
	OrgDocumentState,
	PartnershipDocumentState
} from '$lib/flows/documents/document-state';
import { createOrgState } from '$lib/flows/organization/org-document.projection';
import { createInvitationsState } from '$lib/flows/partnership/invitations.projection';
import { createPartnershipState } from '$lib/flows/partnership/partnership-document.projection';
import { DAY, SYSTEM, T0 } from '../factories';

const stamp = { at: formatHlc({ wall: T0, counter: 0, node: 'w' }), by: SYSTEM, eventId: 'w-0' };

export function fact<T extends EventType, W>(
	type: T,
	payload: PayloadOf<T>,
	world: W,
	options: { by?: { userId: string; orgId: string }; at?: number } = {}
) {
	const event = {
		id: `f-${type}`,
		type,
		at: formatHlc({ wall: options.at ?? T0 + DAY, counter: 0, node: 'f' }),
		by: options.by ?? SYSTEM,
		payload
	} as DomainEvent;
	return { type, event, world } as never as { type: T };
}

export function user(userId: string, roles: Role[], over: Partial<OrgUser> = {}): OrgUser {
	return {
		userId,
		email: `${userId}@example.com`,
		fullName: userId,
		roles,
		status: 'active',
		temporaryPasswordExpiresAt: null,
		temporaryPasswordHash: null,
		added: stamp,
		...over
	};
}

export function orgWorld(
	kind: NonNullable<OrgDocumentState['org']>['kind'],
	users: OrgUser[],
	edit: (doc: OrgDocumentState) => void = () => {}
): { doc: OrgDocumentState } {
	const doc = createOrgState('org-1');
	doc.org = {
		orgId: 'org-1',
		kind,
		legalName: 'Org',
		address: null,
		country: 'JP',
		mpnId: null,
		primaryContact: null,
		support: null,
		tenant: { domain: 'org.example.com', country: 'JP' },
		alreadyEnrolledInCsp: false,
		created: stamp
	};
	for (const u of users) doc.users[u.userId] = u;
	edit(doc);
	return { doc };
}

/** The links an org sent (its invitations document), as `edit` leaves them. */
export function invitationsWorld(edit: (doc: InvitationsDocumentState) => void = () => {}): {
	doc: InvitationsDocumentState;
} {
	const doc = createInvitationsState('org-1');
	edit(doc);
	return { doc };
}

export function partnershipWorld(expiresAt = T0 + 7 * DAY): { doc: PartnershipDocumentState } {
	const doc = createPartnershipState('prov', 'resl');
	doc.partnership.expiresAt = expiresAt;
	return { doc };
}

export function customerWorld(edit: (doc: CustomerDocumentState) => void = () => {}): {
	doc: CustomerDocumentState;
} {
	const doc = createCustomerState('cust');
	doc.customer = {
		customerId: 'cust',
		legalName: 'Cust',
		domain: 'cust.example.com',
		country: 'JP',
		created: stamp
	};
	edit(doc);
	return { doc };
}

export { stamp, DAY, T0 };
