// A customer's tenant: created by the server, then its users and license assignments, administered
// by the customer or a reseller of record. Licenses are counted from the subscriptions, so two
// offline assignments of the last license resolve in log order.
import { and, setup } from 'xstate';
import type { CustomerDocumentState, FactOf } from '$lib/flows/documents/document-state';
import type { Refusals } from '$lib/flows/documents/machine-stepper';
import { isResellerOfRecord } from './customer-queries';

export interface CustomerWorld {
	readonly doc: CustomerDocumentState;
}

export type CustomerTenantFact = FactOf<
	| 'customer.created'
	| 'tenantUser.added'
	| 'tenantUser.removed'
	| 'license.assigned'
	| 'license.unassigned',
	CustomerWorld
>;

type LicenseFact = Extract<CustomerTenantFact, { type: 'license.assigned' | 'license.unassigned' }>;

function isLicenseFact(fact: CustomerTenantFact): fact is LicenseFact {
	return fact.type === 'license.assigned' || fact.type === 'license.unassigned';
}

function subscriptionOf(fact: CustomerTenantFact) {
	return isLicenseFact(fact)
		? fact.world.doc.subscriptions[fact.event.payload.subscriptionId]
		: undefined;
}

function tenantUserIdOf(fact: CustomerTenantFact): string | null {
	return fact.type === 'customer.created' ? null : fact.event.payload.tenantUserId;
}

export const customerTenantMachine = setup({
	types: {} as { events: CustomerTenantFact },
	guards: {
		/** The customer itself or a reseller of record administers the tenant (not the provider). */
		isCustomerOrResellerOfRecord: ({ event }) =>
			event.event.by.orgId === event.world.doc.customerId ||
			isResellerOfRecord(event.world.doc, event.event.by.orgId),
		isTenantUserNew: ({ event }) => {
			const id = tenantUserIdOf(event);
			return id !== null && event.world.doc.tenantUsers[id] === undefined;
		},
		isTenantUserKnown: ({ event }) => {
			const id = tenantUserIdOf(event);
			return id !== null && event.world.doc.tenantUsers[id] !== undefined;
		},
		isSubscriptionKnown: ({ event }) => subscriptionOf(event) !== undefined,
		hasAvailableLicense: ({ event }) => {
			const subscription = subscriptionOf(event);
			return subscription !== undefined && subscription.assigned.length < subscription.quantity;
		},
		isLicenseUnassigned: ({ event }) =>
			!subscriptionOf(event)?.assigned.includes(tenantUserIdOf(event) ?? ''),
		isLicenseAssigned: ({ event }) =>
			subscriptionOf(event)?.assigned.includes(tenantUserIdOf(event) ?? '') === true
	}
}).createMachine({
	id: 'customerTenant',
	initial: 'none',
	states: {
		none: { on: { 'customer.created': 'active' } },
		active: {
			on: {
				'tenantUser.added': {
					guard: and(['isCustomerOrResellerOfRecord', 'isTenantUserNew']),
					target: 'active'
				},
				'tenantUser.removed': {
					guard: and(['isCustomerOrResellerOfRecord', 'isTenantUserKnown']),
					target: 'active'
				},
				'license.assigned': {
					guard: and([
						'isCustomerOrResellerOfRecord',
						'isSubscriptionKnown',
						'isTenantUserKnown',
						'isLicenseUnassigned',
						'hasAvailableLicense'
					]),
					target: 'active'
				},
				'license.unassigned': {
					guard: and(['isCustomerOrResellerOfRecord', 'isSubscriptionKnown', 'isLicenseAssigned']),
					target: 'active'
				}
			}
		}
	}
});

export const customerTenantRefusals: Refusals = {
	guards: {
		isCustomerOrResellerOfRecord: 'error_no_relationship',
		isTenantUserNew: 'error_tenant_user_exists',
		isTenantUserKnown: 'error_tenant_user_missing',
		isSubscriptionKnown: 'error_subscription_missing',
		hasAvailableLicense: 'error_no_license_available',
		isLicenseUnassigned: 'error_license_already_assigned',
		isLicenseAssigned: 'error_license_not_assigned'
	},
	states: { none: 'error_customer_missing', active: 'error_not_allowed_now' },
	otherwise: 'error_not_allowed_now'
};
