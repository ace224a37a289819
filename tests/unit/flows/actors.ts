// The actors and facts the machine tests share: users of a reseller, a provider, a customer and
// an org with no part, and a customer relationship and a subscription as the machines read them.
import type { CustomerRelationship, Subscription } from '$lib/domain/model';
import { DAY, stamp, T0 } from './worlds';

export const admin = { userId: 'pat', orgId: 'org-1' };
export const manager = { userId: 'uma', orgId: 'org-1' };
export const reseller = { userId: 'rio', orgId: 'resl' };
export const provider = { userId: 'pat', orgId: 'prov' };
export const customer = { userId: 'cam', orgId: 'cust' };
export const stranger = { userId: 'sly', orgId: 'other' };

export function relationship(over: Partial<CustomerRelationship> = {}): CustomerRelationship {
	return {
		relationshipId: 'rel-1',
		invitationId: 'inv-1',
		resellerId: 'resl',
		providerId: null,
		resellerName: null,
		providerName: null,
		combined: false,
		status: 'active',
		expiresAt: T0 + 7 * DAY,
		requested: stamp,
		answered: null,
		ended: null,
		...over
	};
}

export function subscription(over: Partial<Subscription> = {}): Subscription {
	return {
		subscriptionId: 'sub-1',
		offerId: 'business-basic',
		offerName: 'Business Basic',
		term: 'annual',
		quantity: 1,
		assigned: [],
		status: 'active',
		renewsAt: T0 + 365 * DAY,
		orderId: 'o-0',
		...over
	};
}
