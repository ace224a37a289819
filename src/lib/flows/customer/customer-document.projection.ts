// Projection of a `customer/<customerId>` document: its tenant (users and license assignments) and
// reseller relationships, the slices of this folder's machines, and its orders (order/'s slice).
import type { DomainEvent } from '$lib/domain/events';
import type { ErrorCode } from '$lib/domain/errors';
import type { RelationshipStatus, Stamp } from '$lib/domain/model';
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';
import { createStepper } from '$lib/flows/documents/machine-stepper';
import { composeSlices, type ProjectionSlice } from '$lib/flows/documents/projection-slice';
import { ordersSlice } from '$lib/flows/order/orders.projection';
import {
	combinedCustomerInvitationMachine,
	combinedCustomerInvitationRefusals
} from './combined-customer-invitation.machine';
import {
	customerRelationshipMachine,
	relationshipRefusals,
	type RelationshipFact
} from './customer-relationship.machine';
import {
	customerTenantMachine,
	customerTenantRefusals,
	type CustomerTenantFact
} from './customer-tenant.machine';

export const customerTenantStepper = createStepper(customerTenantMachine, customerTenantRefusals);
export const customerRelationshipStepper = createStepper(
	customerRelationshipMachine,
	relationshipRefusals
);
export const combinedCustomerInvitationStepper = createStepper(
	combinedCustomerInvitationMachine,
	combinedCustomerInvitationRefusals
);

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

const tenantSlice: ProjectionSlice<CustomerDocumentState, CustomerTenantFact['type']> = {
	types: [
		'customer.created',
		'tenantUser.added',
		'tenantUser.removed',
		'license.assigned',
		'license.unassigned'
	],
	step: (state, event) =>
		customerTenantStepper.step(
			customerTenantStepper.snapshotFor(state.customer ? 'active' : 'none'),
			{ type: event.type, event, world: { doc: state } } as CustomerTenantFact
		),
	fold(state, event, stamp) {
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
				state.subscriptions[event.payload.subscriptionId]?.assigned.push(
					event.payload.tenantUserId
				);
				state.tenantUsers[event.payload.tenantUserId]?.licenses.push(event.payload.subscriptionId);
				return;
			case 'license.unassigned':
				remove(
					state.subscriptions[event.payload.subscriptionId]?.assigned,
					event.payload.tenantUserId
				);
				remove(
					state.tenantUsers[event.payload.tenantUserId]?.licenses,
					event.payload.subscriptionId
				);
				return;
		}
	}
};

const relationshipsSlice: ProjectionSlice<CustomerDocumentState, RelationshipFact['type']> = {
	types: [
		'relationship.requested',
		'relationship.accepted',
		'relationship.declined',
		'relationship.ended'
	],
	step(state, event) {
		const existing = state.relationships[event.payload.relationshipId];
		const combined =
			existing?.combined ??
			(event.type === 'relationship.requested' && event.payload.providerId !== null);
		const stepper = combined ? combinedCustomerInvitationStepper : customerRelationshipStepper;
		return stepper.step(stepper.snapshotFor(existing?.status ?? 'none'), {
			type: event.type,
			event,
			world: { doc: state }
		} as RelationshipFact);
	},
	fold(state, event, stamp, status) {
		switch (event.type) {
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
		}
	}
};

const customerDocument = composeSlices<CustomerDocumentState>([
	tenantSlice,
	relationshipsSlice,
	ordersSlice
]);

export function applyCustomerEvent(
	state: CustomerDocumentState,
	event: DomainEvent,
	stamp: Stamp
): ErrorCode | null {
	if (!state.customer && event.type !== 'customer.created') return 'error_customer_missing';
	return customerDocument.apply(state, event, stamp);
}

function remove(list: string[] | undefined, item: string): void {
	const at = list?.indexOf(item) ?? -1;
	if (list && at >= 0) list.splice(at, 1);
}
