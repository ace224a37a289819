// The orders slice of a customer document's projection: orders submitted by a partner of record and
// provisioned or failed by the program, decided by the order machine. A provisioned order adds its
// licenses (as deltas, so concurrent orders both count) or creates its subscriptions.
import { findOffer } from '$lib/domain/offers';
import type { OrderStatus } from '$lib/domain/model';
import { orderPartnerOfRecord } from '$lib/flows/customer/customer-queries';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import type { ProjectionSlice } from '$lib/flows/documents/projection-slice';
import { orderMachine, orderRefusals, type OrderFact } from './order.machine';

export const orderStepper = createStepper(orderMachine, orderRefusals);

export const ordersSlice: ProjectionSlice<CustomerDocumentState, OrderFact['type']> = {
	types: ['order.submitted', 'order.provisioned', 'order.failed'],
	step: (state, event) =>
		orderStepper.step(
			orderStepper.snapshotFor(state.orders[event.payload.orderId]?.status ?? 'draft'),
			{ type: event.type, event, world: { doc: state } } as OrderFact
		),
	fold(state, event, stamp, next) {
		const status = next as OrderStatus;
		switch (event.type) {
			case 'order.submitted': {
				const p = event.payload;
				const partner = orderPartnerOfRecord(state, event.by.orgId, p.onBehalfOf);
				state.orders[p.orderId] = {
					orderId: p.orderId,
					lines: p.lines,
					status,
					submittedBy: event.by,
					onBehalfOf: partner?.resellerId ?? event.by.orgId,
					providerId: partner?.providerId ?? null,
					failureReason: null,
					submitted: stamp,
					closed: null
				};
				return;
			}
			case 'order.provisioned': {
				const order = state.orders[event.payload.orderId];
				if (!order) return;
				order.status = status;
				order.closed = stamp;
				const ids = new Map(event.payload.newSubscriptions.map((s) => [s.lineIndex, s]));
				order.lines.forEach((line, index) => {
					if (line.kind === 'addLicenses') {
						const subscription = state.subscriptions[line.subscriptionId];
						// Deltas, not totals: two concurrent additions both count.
						if (subscription) subscription.quantity += line.quantity;
						return;
					}
					const created = ids.get(index);
					if (!created) return;
					state.subscriptions[created.subscriptionId] = {
						subscriptionId: created.subscriptionId,
						offerId: line.offerId,
						offerName: findOffer(line.offerId)?.name ?? line.offerId,
						term: line.term,
						quantity: line.quantity,
						assigned: [],
						status: 'active',
						renewsAt: created.renewsAt,
						orderId: order.orderId
					};
				});
				return;
			}
			case 'order.failed': {
				const order = state.orders[event.payload.orderId];
				if (!order) return;
				order.status = status;
				order.failureReason = event.payload.reason;
				order.closed = stamp;
				return;
			}
			default:
				return;
		}
	}
};
