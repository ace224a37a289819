// The documentation's rules for a customer's tenant users, licenses and orders, as projections of
// the customer document's log: each case would fail if its rule were dropped.
import { describe, expect, it } from 'vitest';
import { DAY, SYSTEM, T0 } from '../../factories';
import { customerAdmin, customerLog, providerAdmin, RESELLER, resellerAdmin } from '../scenarios';
import { codes, customer, newSubscription } from '../states';

describe('tenant users, licenses and orders', () => {
	function withSubscription(quantity: number) {
		const builder = customerLog({ combined: true });
		builder.push('order.submitted', providerAdmin, {
			orderId: 'o-1',
			onBehalfOf: RESELLER,
			lines: [newSubscription(quantity)]
		});
		builder.push('order.provisioned', SYSTEM, {
			orderId: 'o-1',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
		});
		builder.push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-1',
			displayName: 'Ken',
			userName: 'ken@tailspin.example.com'
		});
		builder.push('tenantUser.added', customerAdmin, {
			tenantUserId: 'tu-2',
			displayName: 'Mai',
			userName: 'mai@tailspin.example.com'
		});
		return builder;
	}

	it('applies both of two concurrent license additions to one subscription', () => {
		const { log, push } = withSubscription(5);
		push('order.submitted', providerAdmin, {
			orderId: 'o-2',
			onBehalfOf: RESELLER,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 3 }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-3',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 4 }]
		});
		push('order.provisioned', SYSTEM, { orderId: 'o-3', newSubscriptions: [] });
		push('order.provisioned', SYSTEM, { orderId: 'o-2', newSubscriptions: [] });
		expect(customer(log).subscriptions['sub-1']?.quantity).toBe(12);
	});

	it('gives the last license to whichever assignment comes first in the log', () => {
		const { log, push } = withSubscription(1);
		push('license.assigned', resellerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-1' });
		push('license.assigned', customerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-2' });
		const state = customer(log);
		expect(state.subscriptions['sub-1']?.assigned).toEqual(['tu-1']);
		expect(codes(state)).toEqual(['error_no_license_available']);
	});

	it('returns a removed user’s licenses to the pool', () => {
		const { log, push } = withSubscription(1);
		push('license.assigned', resellerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-1' });
		push('tenantUser.removed', customerAdmin, { tenantUserId: 'tu-1' });
		push('license.assigned', customerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-2' });
		const state = customer(log);
		expect(state.subscriptions['sub-1']?.assigned).toEqual(['tu-2']);
		expect(state.tenantUsers['tu-2']?.licenses).toEqual(['sub-1']);
		expect(state.superseded).toEqual([]);
	});

	it('lets the provider order but not administer the tenant', () => {
		const { log, push } = withSubscription(2);
		push('tenantUser.added', providerAdmin, {
			tenantUserId: 'tu-3',
			displayName: 'Pat',
			userName: 'p@tailspin.example.com'
		});
		push('license.assigned', providerAdmin, { subscriptionId: 'sub-1', tenantUserId: 'tu-1' });
		expect(codes(customer(log))).toEqual(['error_no_relationship', 'error_no_relationship']);
	});

	it('refuses unknown offers, quantities over the offer’s limit and unknown subscriptions', () => {
		const { log, push } = withSubscription(299);
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [{ ...newSubscription(1), offerId: 'no-such' }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-3',
			onBehalfOf: null,
			lines: [newSubscription(301)]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-4',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 2 }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-5',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-9', quantity: 2 }]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-6',
			onBehalfOf: null,
			lines: [{ ...newSubscription(1), offerId: 'enterprise-e3', term: 'monthly' }]
		});
		expect(codes(customer(log))).toEqual([
			'error_offer_unknown',
			'error_quantity_out_of_range',
			'error_quantity_out_of_range',
			'error_subscription_missing',
			'error_offer_unknown'
		]);
	});

	it('names, for an order over a subscription’s limit, the earlier order on that subscription as what decided it', () => {
		// Not the change made in between, nor the document's last change (the customer's creation).
		const { log, push } = withSubscription(299);
		push('order.submitted', providerAdmin, {
			orderId: 'o-first',
			onBehalfOf: RESELLER,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 1 }]
		});
		const first = log.at(-1) as { id: string };
		push('order.provisioned', SYSTEM, { orderId: 'o-first', newSubscriptions: [] });
		push('tenantUser.added', resellerAdmin, {
			tenantUserId: 'tu-9',
			displayName: 'Lee',
			userName: 'lee@tailspin.example.com'
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-second',
			onBehalfOf: null,
			lines: [{ kind: 'addLicenses', subscriptionId: 'sub-1', quantity: 1 }]
		});
		const state = customer(log);
		expect(codes(state)).toEqual(['error_quantity_out_of_range']);
		expect(state.superseded[0]?.decidedBy).toMatchObject({
			eventId: first.id,
			type: 'order.submitted',
			by: providerAdmin
		});
	});

	it('lets only the server provision or fail an order, once', () => {
		const { log, push } = withSubscription(1);
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [newSubscription(1)]
		});
		push('order.provisioned', resellerAdmin, {
			orderId: 'o-2',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-2', renewsAt: T0 }]
		});
		push('order.failed', SYSTEM, { orderId: 'o-2', reason: 'Offer unavailable in this market.' });
		push('order.provisioned', SYSTEM, {
			orderId: 'o-2',
			newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-2', renewsAt: T0 }]
		});
		const state = customer(log);
		expect(state.orders['o-2']).toMatchObject({
			status: 'failed',
			failureReason: 'Offer unavailable in this market.'
		});
		expect(state.subscriptions['sub-2']).toBeUndefined();
		expect(codes(state)).toEqual(['error_system_only', 'error_order_not_submitted']);
	});
});
