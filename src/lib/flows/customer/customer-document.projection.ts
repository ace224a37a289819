// Projection of a `customer/<customerId>` document: the tenant, its reseller relationships, users,
// subscriptions, license assignments and orders.
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import { findOffer } from '$lib/domain/offers';
import type { OrderStatus, RelationshipStatus, Stamp } from '$lib/domain/model';
import {
	combinedCustomerInvitationMachine,
	combinedCustomerInvitationRefusals
} from './combined-customer-invitation.machine';
import {
	customerRelationshipMachine,
	relationshipRefusals,
	type RelationshipFact
} from './customer-relationship.machine';
import { orderPartnerOfRecord } from './customer-queries';
import {
	customerTenantMachine,
	customerTenantRefusals,
	type CustomerTenantFact
} from './customer-tenant.machine';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';
import { createStepper, type StepResult } from '$lib/flows/documents/machine-stepper';
import { orderMachine, orderRefusals, type OrderFact } from '$lib/flows/order/order.machine';

export const customerTenantStepper = createStepper(customerTenantMachine, customerTenantRefusals);
export const customerRelationshipStepper = createStepper(
	customerRelationshipMachine,
	relationshipRefusals
);
export const combinedCustomerInvitationStepper = createStepper(
	combinedCustomerInvitationMachine,
	combinedCustomerInvitationRefusals
);
export const orderStepper = createStepper(orderMachine, orderRefusals);

export function createCustomerState(customerId: string): CustomerDocumentState {
	return {
		kind: 'customer',
		customerId,
		length: 0,
		superseded: [],
		invalid: [],
		claimed: new Set(),
		customer: null,
		relationships: {},
		tenantUsers: {},
		subscriptions: {},
		orders: {}
	};
}

function decide(state: CustomerDocumentState, event: DomainEvent): StepResult<unknown> {
	const world = { doc: state };
	switch (event.type) {
		case 'customer.created':
		case 'tenantUser.added':
		case 'tenantUser.removed':
		case 'license.assigned':
		case 'license.unassigned':
			return customerTenantStepper.step(
				customerTenantStepper.snapshotFor(state.customer ? 'active' : 'none'),
				{ type: event.type, event, world } as CustomerTenantFact
			);
		case 'relationship.requested':
		case 'relationship.accepted':
		case 'relationship.declined':
		case 'relationship.ended': {
			const existing = state.relationships[event.payload.relationshipId];
			const combined =
				existing?.combined ??
				(event.type === 'relationship.requested' && event.payload.providerId !== null);
			const stepper = combined ? combinedCustomerInvitationStepper : customerRelationshipStepper;
			return stepper.step(stepper.snapshotFor(existing?.status ?? 'none'), {
				type: event.type,
				event,
				world
			} as RelationshipFact);
		}
		case 'order.submitted':
		case 'order.provisioned':
		case 'order.failed':
			return orderStepper.step(
				orderStepper.snapshotFor(state.orders[event.payload.orderId]?.status ?? 'draft'),
				{ type: event.type, event, world } as OrderFact
			);
		default:
			return { applied: false, code: 'error_wrong_document' };
	}
}

export function applyCustomerEvent(
	state: CustomerDocumentState,
	event: DomainEvent,
	stamp: Stamp
): ErrorCode | null {
	if (!state.customer && event.type !== 'customer.created') return 'error_customer_missing';
	const result = decide(state, event);
	if (!result.applied) return result.code;
	fold(state, event, stamp, result.status);
	return result.code;
}

function fold(
	state: CustomerDocumentState,
	event: DomainEvent,
	stamp: Stamp,
	status: string
): void {
	switch (event.type) {
		case 'customer.created':
			state.customer = { customerId: state.customerId, ...event.payload, created: stamp };
			return;
		case 'tenantUser.added':
			state.tenantUsers[event.payload.tenantUserId] = {
				...event.payload,
				licenses: [],
				added: stamp
			};
			return;
		case 'tenantUser.removed': {
			const id = event.payload.tenantUserId;
			// A removed user's licenses return to the pool.
			for (const subscriptionId of state.tenantUsers[id]?.licenses ?? []) {
				remove(state.subscriptions[subscriptionId]?.assigned, id);
			}
			delete state.tenantUsers[id];
			return;
		}
		case 'license.assigned':
			state.subscriptions[event.payload.subscriptionId]?.assigned.push(event.payload.tenantUserId);
			state.tenantUsers[event.payload.tenantUserId]?.licenses.push(event.payload.subscriptionId);
			return;
		case 'license.unassigned':
			remove(
				state.subscriptions[event.payload.subscriptionId]?.assigned,
				event.payload.tenantUserId
			);
			remove(state.tenantUsers[event.payload.tenantUserId]?.licenses, event.payload.subscriptionId);
			return;
		case 'relationship.requested': {
			const p = event.payload;
			state.relationships[p.relationshipId] = {
				relationshipId: p.relationshipId,
				invitationId: p.invitationId,
				resellerId: p.resellerId,
				providerId: p.providerId,
				resellerName: p.resellerName ?? null,
				providerName: p.providerName ?? null,
				combined: p.providerId !== null,
				status: status as RelationshipStatus,
				expiresAt: p.expiresAt,
				requested: stamp,
				answered: null,
				ended: null
			};
			return;
		}
		case 'relationship.accepted':
		case 'relationship.declined':
		case 'relationship.ended': {
			const relationship = state.relationships[event.payload.relationshipId];
			if (!relationship) return;
			relationship.status = status as RelationshipStatus;
			if (event.type === 'relationship.ended') {
				if (status === 'ended') relationship.ended = stamp;
				else if (status === 'resellerOnly') relationship.providerEnded = stamp;
			} else {
				relationship.answered = stamp;
			}
			return;
		}
		default:
			foldOrder(state, event, stamp, status as OrderStatus);
	}
}

function foldOrder(
	state: CustomerDocumentState,
	event: DomainEvent,
	stamp: Stamp,
	status: OrderStatus
): void {
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

function remove(list: string[] | undefined, item: string): void {
	const at = list?.indexOf(item) ?? -1;
	if (list && at >= 0) list.splice(at, 1);
}
