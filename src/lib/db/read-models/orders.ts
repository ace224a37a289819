// Read model of the orders submitted for a customer and what became of them.
import type { OrderLine } from '$lib/domain/events';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';

export interface OrderRow {
	doc: string;
	customerId: string;
	orderId: string;
	status: string;
	lines: OrderLine[];
	submittedByUserId: string;
	submittedByOrgId: string;
	onBehalfOf: string;
	providerId: string | null;
	failureReason: string | null;
	submittedAt: string;
	/** the order.submitted event (still in the outbox while it waits to sync) */
	submittedEventId?: string;
	closedAt: string | null;
}

export function orderRows(state: CustomerDocumentState, doc: string): OrderRow[] {
	return Object.values(state.orders).map((order) => ({
		doc,
		customerId: state.customerId,
		orderId: order.orderId,
		status: order.status,
		lines: order.lines,
		submittedByUserId: order.submittedBy.userId,
		submittedByOrgId: order.submittedBy.orgId,
		onBehalfOf: order.onBehalfOf,
		providerId: order.providerId,
		failureReason: order.failureReason,
		submittedAt: order.submitted.at,
		submittedEventId: order.submitted.eventId,
		closedAt: order.closed?.at ?? null
	}));
}
