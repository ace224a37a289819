// The documentation's rules for customer relationships, as projections of the customer document's
// log: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import { DAY, SYSTEM, T0 } from '../../factories';
import {
	customerAdmin,
	customerLog,
	PROVIDER,
	providerAdmin,
	RESELLER,
	resellerAdmin
} from '../scenarios';
import { codes, customer, newSubscription } from '../states';

describe('customer relationships', () => {
	it('makes the reseller the reseller of record once the customer accepts, never the provider', () => {
		const { log, push } = customerLog();
		push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(5)]
		});
		const state = customer(log);
		expect(state.relationships['rel-1']).toMatchObject({
			status: 'active',
			resellerId: RESELLER,
			providerId: null
		});
		expect(state.orders['o-1']).toBeUndefined();
		expect(codes(state)).toEqual(['error_no_relationship']);
	});

	it('authorizes both the reseller and its provider with a combined invitation; the provider orders for the reseller', () => {
		const { log, push } = customerLog({ combined: true });
		push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(5)]
		});
		push('order.provisioned', SYSTEM, {
			orderId: 'o-1',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
		});
		const state = customer(log);
		expect(state.orders['o-1']).toMatchObject({
			status: 'provisioned',
			onBehalfOf: RESELLER,
			providerId: PROVIDER
		});
		expect(state.subscriptions['sub-1']).toMatchObject({
			offerName: 'Business Basic',
			quantity: 5,
			assigned: []
		});
	});

	it('lets the provider part end alone, after which only the reseller may act', () => {
		const { log, push } = customerLog({ combined: true });
		push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'provider' });
		push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(5)]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [newSubscription(5)]
		});
		const state = customer(log);
		expect(state.relationships['rel-1']?.status).toBe('resellerOnly');
		expect(Object.keys(state.orders)).toEqual(['o-2']);
		expect(codes(state)).toEqual(['error_no_relationship']);
	});

	it('supersedes the reseller’s offline work made after the customer ended the relationship', () => {
		const { log, push } = customerLog();
		push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-1',
			onBehalfOf: null,
			lines: [newSubscription(1)]
		});
		const state = customer(log);
		expect(state.relationships['rel-1']?.status).toBe('ended');
		expect(codes(state)).toEqual(['error_no_relationship', 'error_no_relationship']);
	});

	it('keeps a declined request declined, and turns a late acceptance into an expired request', () => {
		const declined = customerLog({ accepted: false });
		declined.push('relationship.declined', customerAdmin, { relationshipId: 'rel-1' });
		declined.push('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
		expect(codes(customer(declined.log))).toEqual(['error_relationship_declined']);

		const late = customerLog({ accepted: false, expiresAt: T0 + DAY });
		late.push(
			'relationship.accepted',
			customerAdmin,
			{ relationshipId: 'rel-1' },
			{ at: T0 + 2 * DAY }
		);
		const state = customer(late.log);
		expect(state.relationships['rel-1']?.status).toBe('expired');
		expect(codes(state)).toEqual(['error_invitation_expired']);
	});

	it('lets only the customer accept, and only a party end a relationship', () => {
		const { log, push } = customerLog({ accepted: false });
		push('relationship.accepted', resellerAdmin, { relationshipId: 'rel-1' });
		push('relationship.accepted', customerAdmin, { relationshipId: 'rel-1' });
		push(
			'relationship.ended',
			{ userId: 'x', orgId: 'stranger' },
			{ relationshipId: 'rel-1', scope: 'all' }
		);
		const state = customer(log);
		expect(state.relationships['rel-1']?.status).toBe('active');
		expect(codes(state)).toEqual(['error_not_a_party', 'error_not_a_party']);
	});
});
