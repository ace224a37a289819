// The program's decision for a submitted order, against the customer document when it provisions.
import { describe, expect, it } from 'vitest';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';
import {
	decideProvisioning,
	renewalDate,
	submittedOrders
} from '$lib/flows/order/order-provisioning';
import type { SubscriptionTerm } from '$lib/domain/offers';
import { DAY, SYSTEM, T0 } from '../../factories';
import {
	customerAdmin,
	customerLog,
	customerRef,
	project,
	providerAdmin,
	RESELLER,
	resellerAdmin
} from '../scenarios';

const newSubscription = (
	quantity: number,
	offerId = 'business-basic',
	term: SubscriptionTerm = 'annual'
) => ({ kind: 'newSubscription', offerId, term, quantity }) as const;
const addLicenses = (quantity: number, subscriptionId = 'sub-1') =>
	({ kind: 'addLicenses', subscriptionId, quantity }) as const;

function customer(log: readonly unknown[]): CustomerDocumentState {
	const state = project(customerRef, log);
	if (state.kind !== 'customer') throw new Error('expected a customer projection');
	return state;
}

/** A combined relationship with sub-1 (Business Basic, `seats` licenses) already provisioned. */
function world(seats = 10) {
	const builder = customerLog({ combined: true });
	builder.push('order.submitted', providerAdmin, {
		orderId: 'o-1',
		onBehalfOf: RESELLER,
		lines: [newSubscription(seats)]
	});
	builder.push('order.provisioned', SYSTEM, {
		orderId: 'o-1',
		newSubscriptions: [{ lineIndex: 0, subscriptionId: 'sub-1', renewsAt: T0 + 365 * DAY }]
	});
	return builder;
}

let counter = 0;
const ids = () => `new-${(counter += 1)}`;

describe('order provisioning', () => {
	it('provisions a provider’s new-subscription order with a new id and the term’s renewal date', () => {
		const { log, push } = world();
		push('order.submitted', providerAdmin, {
			orderId: 'o-2',
			onBehalfOf: RESELLER,
			lines: [newSubscription(3, 'business-premium', 'monthly'), addLicenses(2)]
		});
		const state = customer(log);
		expect(submittedOrders(state)).toEqual(['o-2']);
		const outcome = decideProvisioning(state, 'o-2', T0, () => 'sub-9');
		expect(outcome).toEqual({
			type: 'order.provisioned',
			payload: {
				orderId: 'o-2',
				newSubscriptions: [
					{ lineIndex: 0, subscriptionId: 'sub-9', renewsAt: renewalDate('monthly', T0) }
				]
			}
		});
		if (outcome?.type !== 'order.provisioned') throw new Error('expected provisioning');
		push(outcome.type, SYSTEM, outcome.payload);
		const after = customer(log);
		expect(after.orders['o-2']?.status).toBe('provisioned');
		expect(after.subscriptions['sub-9']?.quantity).toBe(3);
		expect(after.subscriptions['sub-1']?.quantity).toBe(12);
		expect(after.superseded).toEqual([]);
	});

	it('provisions a reseller’s order for licenses on an existing subscription', () => {
		const { log, push } = world();
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [addLicenses(5)]
		});
		expect(decideProvisioning(customer(log), 'o-2', T0, ids)).toEqual({
			type: 'order.provisioned',
			payload: { orderId: 'o-2', newSubscriptions: [] }
		});
	});

	it('never decides twice: an order with an outcome, or no such order, gets nothing', () => {
		const { log } = world();
		expect(decideProvisioning(customer(log), 'o-1', T0, ids)).toBeNull();
		expect(decideProvisioning(customer(log), 'nope', T0, ids)).toBeNull();
	});

	it('never reuses a subscription id the document already has', () => {
		const { log, push } = world();
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [newSubscription(1)]
		});
		const names = ['sub-1', 'sub-2'];
		const outcome = decideProvisioning(customer(log), 'o-2', T0, () => names.shift() ?? 'x');
		expect(
			outcome?.type === 'order.provisioned' && outcome.payload.newSubscriptions[0]?.subscriptionId
		).toBe('sub-2');
	});

	it('fails licenses whose total would pass the offer’s maximum (concurrent additions count)', () => {
		const { log, push } = world(290);
		push('order.submitted', providerAdmin, {
			orderId: 'o-2',
			onBehalfOf: RESELLER,
			lines: [addLicenses(6)]
		});
		push('order.submitted', resellerAdmin, {
			orderId: 'o-3',
			onBehalfOf: null,
			lines: [addLicenses(6)]
		});
		// Both were within the limit when submitted; the first provisioned leaves no room for the second.
		const first = decideProvisioning(customer(log), 'o-2', T0, ids);
		if (first?.type !== 'order.provisioned') throw new Error('expected provisioning');
		push(first.type, SYSTEM, first.payload);
		expect(decideProvisioning(customer(log), 'o-3', T0, ids)).toEqual({
			type: 'order.failed',
			payload: { orderId: 'o-3', reason: 'error_quantity_out_of_range' }
		});
	});

	it('adds up two lines of one order on the same subscription', () => {
		const { log, push } = world(290);
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [addLicenses(6), addLicenses(6)]
		});
		expect(decideProvisioning(customer(log), 'o-2', T0, ids)?.payload).toEqual({
			orderId: 'o-2',
			reason: 'error_quantity_out_of_range'
		});
	});

	it('fails an order whose partner no longer has a live relationship', () => {
		const { log, push } = world();
		push('order.submitted', providerAdmin, {
			orderId: 'o-2',
			onBehalfOf: RESELLER,
			lines: [addLicenses(1)]
		});
		push('relationship.ended', customerAdmin, { relationshipId: 'rel-1', scope: 'all' });
		expect(decideProvisioning(customer(log), 'o-2', T0, ids)?.payload).toEqual({
			orderId: 'o-2',
			reason: 'error_no_relationship'
		});
	});

	it.each([
		['an unknown offer', newSubscription(1, 'retired-offer'), 'error_offer_unknown'],
		[
			'a term the offer is not sold on',
			newSubscription(1, 'enterprise-e3', 'monthly'),
			'error_term_not_offered'
		],
		['a quantity under the offer’s minimum', newSubscription(0), 'error_quantity_out_of_range'],
		['a quantity over the offer’s maximum', newSubscription(301), 'error_quantity_out_of_range'],
		['a missing subscription', addLicenses(1, 'sub-404'), 'error_subscription_missing']
	] as const)('fails %s', (_what, line, reason) => {
		// The submission was valid against the catalog and document it was checked with; the state
		// the program provisions against no longer allows it.
		const { log, push } = world();
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [addLicenses(1)]
		});
		const state = customer(log);
		const order = state.orders['o-2'];
		if (!order) throw new Error('order o-2 not submitted');
		order.lines = [line];
		expect(decideProvisioning(state, 'o-2', T0, ids)?.payload).toEqual({ orderId: 'o-2', reason });
	});

	it('fails licenses on a subscription that is no longer active', () => {
		const { log, push } = world();
		push('order.submitted', resellerAdmin, {
			orderId: 'o-2',
			onBehalfOf: null,
			lines: [addLicenses(1)]
		});
		const state = customer(log);
		const subscription = state.subscriptions['sub-1'];
		if (!subscription) throw new Error('sub-1 missing');
		(subscription as { status: string }).status = 'suspended';
		expect(decideProvisioning(state, 'o-2', T0, ids)?.payload).toEqual({
			orderId: 'o-2',
			reason: 'error_subscription_not_active'
		});
	});

	it('renews monthly terms a calendar month on and annual ones a year on', () => {
		const jan31 = Date.UTC(2026, 0, 31, 9);
		expect(new Date(renewalDate('monthly', jan31)).toISOString()).toBe('2026-02-28T09:00:00.000Z');
		expect(new Date(renewalDate('annual', Date.UTC(2024, 1, 29))).toISOString()).toBe(
			'2025-02-28T00:00:00.000Z'
		);
		expect(new Date(renewalDate('annual', Date.UTC(2026, 4, 3))).toISOString()).toBe(
			'2027-05-03T00:00:00.000Z'
		);
	});
});
