// What the program decides for a submitted order, against the customer document as it stands when
// the order is provisioned (not when it was submitted): concurrent orders, an ended relationship or
// a changed catalog turn a valid submission into a failed order with the reason as an ErrorCode.
import type { ErrorCode } from '$lib/domain/errors';
import type { PayloadOf } from '$lib/domain/events';
import { findOffer, quantityProblem, type SubscriptionTerm } from '$lib/domain/offers';
import type { Order } from '$lib/domain/model';
import { orderPartnerOfRecord } from '$lib/flows/customer/customer-queries';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';

export type ProvisioningOutcome =
	| { readonly type: 'order.provisioned'; readonly payload: PayloadOf<'order.provisioned'> }
	| {
			readonly type: 'order.failed';
			readonly payload: PayloadOf<'order.failed'> & { readonly reason: ErrorCode };
	  };

/** When a subscription bought now on this term comes up for renewal (calendar months, UTC). */
export function renewalDate(term: SubscriptionTerm, now: number): number {
	const date = new Date(now);
	const day = date.getUTCDate();
	date.setUTCDate(1);
	date.setUTCMonth(date.getUTCMonth() + (term === 'annual' ? 12 : 1));
	// The 31st of a shorter month renews on that month's last day.
	const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
	date.setUTCDate(Math.min(day, last));
	return date.getTime();
}

/** Why this order cannot be provisioned now, or null when it can. */
export function provisioningRefusal(state: CustomerDocumentState, order: Order): ErrorCode | null {
	const onBehalfOf = order.submittedBy.orgId === order.onBehalfOf ? null : order.onBehalfOf;
	if (orderPartnerOfRecord(state, order.submittedBy.orgId, onBehalfOf) === null) {
		return 'error_no_relationship';
	}
	// Licenses this order adds to each subscription so far: two lines on one subscription add up.
	const adding = new Map<string, number>();
	for (const line of order.lines) {
		if (line.kind === 'newSubscription') {
			const offer = findOffer(line.offerId);
			if (!offer) return 'error_offer_unknown';
			if (!offer.terms.includes(line.term)) return 'error_term_not_offered';
			if (quantityProblem(offer, line.quantity)) return 'error_quantity_out_of_range';
			continue;
		}
		const subscription = state.subscriptions[line.subscriptionId];
		if (!subscription) return 'error_subscription_missing';
		if (subscription.status !== 'active') return 'error_subscription_not_active';
		const offer = findOffer(subscription.offerId);
		if (!offer) return 'error_offer_unknown';
		const added = adding.get(line.subscriptionId) ?? 0;
		if (quantityProblem(offer, line.quantity, subscription.quantity + added)) {
			return 'error_quantity_out_of_range';
		}
		adding.set(line.subscriptionId, added + line.quantity);
	}
	return null;
}

/**
 * The outcome for a submitted order, or null when there is nothing to decide (no such order, or it
 * already has an outcome: never two outcomes for one order). `newSubscriptionId` names each new
 * subscription; `now` is the clock reading renewal dates count from.
 */
export function decideProvisioning(
	state: CustomerDocumentState,
	orderId: string,
	now: number,
	newSubscriptionId: () => string
): ProvisioningOutcome | null {
	const order = state.orders[orderId];
	if (!order || order.status !== 'submitted') return null;
	const refusal = provisioningRefusal(state, order);
	if (refusal) return { type: 'order.failed', payload: { orderId, reason: refusal } };
	const newSubscriptions = order.lines.flatMap((line, lineIndex) => {
		if (line.kind !== 'newSubscription') return [];
		let subscriptionId = newSubscriptionId();
		while (state.subscriptions[subscriptionId]) subscriptionId = newSubscriptionId();
		return [{ lineIndex, subscriptionId, renewsAt: renewalDate(line.term, now) }];
	});
	return { type: 'order.provisioned', payload: { orderId, newSubscriptions } };
}

/** Orders still waiting for the program's decision, oldest first. */
export function submittedOrders(state: CustomerDocumentState): string[] {
	return Object.values(state.orders)
		.filter((order) => order.status === 'submitted')
		.map((order) => order.orderId);
}
