// An order for a customer: drafted (on the device or in the shared draft map), submitted by a
// partner of record, then provisioned or failed by the server acting for the program. A provider
// cannot order for a customer it has no relationship with.
import { and, setup } from 'xstate';
import { findOffer } from '$lib/domain/offers';
import type { FactOf } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import type { CustomerWorld } from '$lib/flows/customer/customer-tenant.machine';
import { orderPartnerOfRecord } from '$lib/flows/customer/customer-queries';

export type OrderFact = FactOf<
	'order.submitted' | 'order.provisioned' | 'order.failed',
	CustomerWorld
>;

function linesOf(fact: OrderFact) {
	return fact.type === 'order.submitted' ? fact.event.payload.lines : [];
}

export const orderMachine = setup({
	types: {} as { events: OrderFact },
	guards: {
		isPartnerOfRecord: ({ event }) =>
			event.type === 'order.submitted' &&
			orderPartnerOfRecord(
				event.world.doc,
				event.event.by.orgId,
				event.event.payload.onBehalfOf
			) !== null,
		hasKnownOffers: ({ event }) =>
			linesOf(event).every(
				(line) =>
					line.kind !== 'newSubscription' ||
					findOffer(line.offerId)?.terms.includes(line.term) === true
			),
		hasKnownSubscriptions: ({ event }) =>
			linesOf(event).every(
				(line) =>
					line.kind !== 'addLicenses' ||
					event.world.doc.subscriptions[line.subscriptionId] !== undefined
			),
		/** Each offer's quantity limits hold for new subscriptions and for licenses added to one. */
		hasQuantitiesWithinLimits: ({ event }) =>
			linesOf(event).every((line) => {
				if (line.kind === 'newSubscription') {
					const offer = findOffer(line.offerId);
					return (
						offer !== undefined &&
						line.quantity >= offer.minQuantity &&
						line.quantity <= offer.maxQuantity
					);
				}
				const subscription = event.world.doc.subscriptions[line.subscriptionId];
				const offer = subscription && findOffer(subscription.offerId);
				return (
					offer !== undefined &&
					subscription !== undefined &&
					subscription.quantity + line.quantity <= offer.maxQuantity
				);
			}),
		/** Provisioning names a new subscription id for every new-subscription line. */
		isProvisioningComplete: ({ event }) => {
			if (event.type !== 'order.provisioned') return false;
			const order = event.world.doc.orders[event.event.payload.orderId];
			if (!order) return false;
			const wanted = order.lines.flatMap((line, index) =>
				line.kind === 'newSubscription' ? [index] : []
			);
			const given = event.event.payload.newSubscriptions;
			const ids = new Set(given.map((s) => s.subscriptionId));
			return (
				given.length === wanted.length &&
				given.every((s, i) => s.lineIndex === wanted[i]) &&
				ids.size === given.length &&
				given.every((s) => event.world.doc.subscriptions[s.subscriptionId] === undefined)
			);
		}
	}
}).createMachine({
	id: 'order',
	initial: 'draft',
	states: {
		draft: {
			on: {
				'order.submitted': {
					guard: and([
						'isPartnerOfRecord',
						'hasKnownOffers',
						'hasKnownSubscriptions',
						'hasQuantitiesWithinLimits'
					]),
					target: 'submitted'
				}
			}
		},
		submitted: {
			on: {
				'order.provisioned': { guard: 'isProvisioningComplete', target: 'provisioned' },
				'order.failed': 'failed'
			}
		},
		provisioned: {},
		failed: {}
	}
});

export const orderRefusals: Refusals = {
	guards: {
		isPartnerOfRecord: 'error_no_relationship',
		hasKnownOffers: 'error_offer_unknown',
		hasKnownSubscriptions: 'error_subscription_missing',
		hasQuantitiesWithinLimits: 'error_quantity_out_of_range',
		isProvisioningComplete: 'error_field_invalid'
	},
	states: {
		draft: 'error_order_missing',
		submitted: 'error_order_exists',
		provisioned: { 'order.submitted': 'error_order_exists', '*': 'error_order_not_submitted' },
		failed: { 'order.submitted': 'error_order_exists', '*': 'error_order_not_submitted' }
	},
	otherwise: 'error_not_allowed_now'
};
