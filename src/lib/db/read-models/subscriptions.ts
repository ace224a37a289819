// Read model of a customer's subscriptions, with how many of their licenses are assigned and free.
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';

export interface SubscriptionRow {
	doc: string;
	customerId: string;
	subscriptionId: string;
	offerId: string;
	offerName: string;
	term: string;
	quantity: number;
	assignedCount: number;
	/** licenses left to assign */
	available: number;
	renewsAt: number;
	orderId: string;
	status: string;
}

export function subscriptionRows(state: CustomerDocumentState, doc: string): SubscriptionRow[] {
	return Object.values(state.subscriptions).map((subscription) => ({
		doc,
		customerId: state.customerId,
		subscriptionId: subscription.subscriptionId,
		offerId: subscription.offerId,
		offerName: subscription.offerName,
		term: subscription.term,
		quantity: subscription.quantity,
		assignedCount: subscription.assigned.length,
		available: Math.max(0, subscription.quantity - subscription.assigned.length),
		renewsAt: subscription.renewsAt,
		orderId: subscription.orderId,
		status: subscription.status
	}));
}
