// Test data for a customer document: the parties, and a factory of valid events for it.
import { formatHlc } from '$lib/domain/clock';
import type { DomainEvent, EventType, PayloadOf } from '$lib/domain/events';
import { SYSTEM, T0 } from '../factories';

export const CUSTOMER_ID = 'wingtip';
export const CUSTOMER_DOC = `customer/${CUSTOMER_ID}`;
export const CUSTOMER_REF = { kind: 'customer', customerId: CUSTOMER_ID } as const;
export const RESELLER = { userId: 'rita', orgId: 'contoso' } as const;
export const CUSTOMER_ADMIN = { userId: 'carol', orgId: CUSTOMER_ID } as const;
export const PROVIDER = { userId: 'paul', orgId: 'northwind' } as const;

/** Events with unique ids (`<node>-<n>`) and clocks from one node. */
export function eventFactory(node: string) {
	let counter = 0;
	return function event<T extends EventType>(
		type: T,
		by: { userId: string; orgId: string },
		payload: PayloadOf<T>
	): DomainEvent {
		counter += 1;
		return {
			id: `${node}-${counter}`,
			type,
			at: formatHlc({ wall: T0 + counter * 1000, counter: 0, node }),
			by: { ...by },
			payload
		} as DomainEvent;
	};
}

/** A customer with an accepted reseller relationship to RESELLER (so it may manage the tenant). */
export function customerWithReseller(event = eventFactory('setup')): DomainEvent[] {
	return [
		event('customer.created', SYSTEM, {
			legalName: 'Wingtip Toys',
			domain: 'wingtip.example.com',
			country: 'JP'
		}),
		event('relationship.requested', SYSTEM, {
			relationshipId: 'rel-1',
			invitationId: 'inv-1',
			resellerId: RESELLER.orgId,
			providerId: null,
			expiresAt: T0 + 30 * 86_400_000
		}),
		event('relationship.accepted', CUSTOMER_ADMIN, { relationshipId: 'rel-1' })
	];
}

/** An order for `quantity` licenses of one new subscription, and its provisioning. */
export function subscriptionBought(
	event: ReturnType<typeof eventFactory>,
	orderId: string,
	subscriptionId: string,
	quantity: number
): DomainEvent[] {
	return [
		event('order.submitted', RESELLER, {
			orderId,
			onBehalfOf: null,
			lines: [{ kind: 'newSubscription', offerId: 'business-basic', term: 'annual', quantity }]
		}),
		event('order.provisioned', SYSTEM, {
			orderId,
			newSubscriptions: [{ lineIndex: 0, subscriptionId, renewsAt: T0 + 365 * 86_400_000 }]
		})
	];
}
