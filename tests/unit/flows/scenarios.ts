// Ready-made logs for the common documents: a provider and a reseller org with their admins, a
// partnership between them, a customer with a combined relationship. Tests extend them.
import type { DocumentRef } from '$lib/domain/documents';
import type { PayloadOf } from '$lib/domain/events';
import { createProjector } from '$lib/flows/documents/projection';
import { createLog, DAY, HASH, orgCreated, SYSTEM, T0, userAdded } from '../factories';

export const PROVIDER = 'fabrikam';
export const RESELLER = 'contoso';
export const CUSTOMER = 'tailspin';

export const providerAdmin = { userId: 'pat', orgId: PROVIDER };
export const resellerAdmin = { userId: 'rio', orgId: RESELLER };
export const customerAdmin = { userId: 'cam', orgId: CUSTOMER };
export const reviewer = { userId: 'olga', orgId: 'program' };

export function project(ref: DocumentRef, log: readonly unknown[]) {
	const projector = createProjector(ref);
	projector.append(log);
	return projector.state;
}

/** An org with a Global admin who has changed the temporary password. */
export function orgLog(
	orgId: string,
	kind: PayloadOf<'org.created'>['kind'],
	adminId: string,
	over: Partial<PayloadOf<'org.created'>> = {}
) {
	const builder = createLog(orgId);
	builder.push('org.created', SYSTEM, orgCreated(kind, over));
	builder.push('user.added', SYSTEM, userAdded(adminId, ['globalAdmin']));
	builder.push('user.passwordChanged', SYSTEM, { userId: adminId });
	return builder;
}

export function partnershipLog(expiresAt = T0 + 7 * DAY) {
	const builder = createLog('partnership');
	builder.push('partnership.invited', SYSTEM, { invitationId: 'inv-1', expiresAt });
	return builder;
}

export const partnershipRef = {
	kind: 'partnership',
	providerId: PROVIDER,
	resellerId: RESELLER
} as const;
export const customerRef = { kind: 'customer', customerId: CUSTOMER } as const;

/** The invitation links an org sent live in `invitations/<orgId>`, apart from its org document. */
export const providerLinksRef = { kind: 'invitations', orgId: PROVIDER } as const;
export const resellerLinksRef = { kind: 'invitations', orgId: RESELLER } as const;

/** An org's invitations document's log: empty until its first link (its users write it). */
export function invitationsLog(orgId: string) {
	return createLog(`links-${orgId}`);
}

/** A customer tenant with a relationship requested by the reseller (with its provider when `combined`). */
export function customerLog(
	options: { combined?: boolean; accepted?: boolean; expiresAt?: number } = {}
) {
	const builder = createLog('customer');
	builder.push('customer.created', SYSTEM, {
		legalName: 'Tailspin',
		domain: 'tailspin.example.com',
		country: 'JP'
	});
	builder.push('relationship.requested', SYSTEM, {
		relationshipId: 'rel-1',
		invitationId: 'inv-c1',
		resellerId: RESELLER,
		providerId: options.combined ? PROVIDER : null,
		expiresAt: options.expiresAt ?? T0 + 7 * DAY
	});
	if (options.accepted !== false) {
		builder.push('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
	}
	return builder;
}

export const invitationPayload = (
	invitationId: string,
	kind: 'reseller' | 'customer' = 'reseller'
) => ({ invitationId, kind, tokenHash: HASH, expiresAt: T0 + 7 * DAY }) as const;
