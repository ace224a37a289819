// What a user can do to a customer's tenant on its behalf (Add user, remove a user, assign and
// unassign licenses), as events appended to `customer/<id>`; refusals come back as i18n codes.
import { documentName } from '$lib/domain/documents';
import { createIdGenerator } from '$lib/domain/ids';
import type { Summary } from '$lib/db/local-records';
import type { AppendResult } from './sync-engine';
import { syncClient } from './sync-client.svelte';

export interface CustomerRef {
	customerId: string;
	legalName: string;
}

export interface TenantUserRef {
	tenantUserId: string;
	displayName: string;
}

export interface SubscriptionRef {
	subscriptionId: string;
	offerName: string;
}

const newTenantUserId = createIdGenerator((bytes) => crypto.getRandomValues(bytes));

function customerDoc(customer: CustomerRef): string {
	return documentName({ kind: 'customer', customerId: customer.customerId });
}

export function addTenantUser(
	customer: CustomerRef,
	input: { displayName: string; userName: string }
): Promise<AppendResult> {
	const displayName = input.displayName.trim();
	return syncClient.append(
		customerDoc(customer),
		'tenantUser.added',
		{ tenantUserId: newTenantUserId(), displayName, userName: input.userName.trim() },
		{
			key: 'data_summary_tenant_user_added',
			params: { name: displayName, customer: customer.legalName }
		}
	);
}

export function removeTenantUser(
	customer: CustomerRef,
	user: TenantUserRef
): Promise<AppendResult> {
	return syncClient.append(
		customerDoc(customer),
		'tenantUser.removed',
		{ tenantUserId: user.tenantUserId },
		{
			key: 'data_summary_tenant_user_removed',
			params: { name: user.displayName, customer: customer.legalName }
		}
	);
}

export function setLicense(
	customer: CustomerRef,
	subscription: SubscriptionRef,
	user: TenantUserRef,
	assigned: boolean
): Promise<AppendResult> {
	const params = {
		offer: subscription.offerName,
		name: user.displayName,
		customer: customer.legalName
	};
	const license = { subscriptionId: subscription.subscriptionId, tenantUserId: user.tenantUserId };
	return assigned
		? syncClient.append(customerDoc(customer), 'license.assigned', license, {
				key: 'data_summary_license_assigned',
				params
			})
		: syncClient.append(customerDoc(customer), 'license.unassigned', license, {
				key: 'data_summary_license_unassigned',
				params
			});
}

/**
 * Ends a reseller relationship (`all`: the reseller's and its provider's part; `provider`: only the
 * provider of record's part of a combined relationship): ends admin rights and future purchases.
 * The customer names the partner it ends with (`partnerName`); a partner ends it with the customer.
 */
export function endRelationship(
	customer: CustomerRef,
	relationshipId: string,
	scope: 'all' | 'provider',
	partnerName?: string
): Promise<AppendResult> {
	const summary: Summary =
		partnerName === undefined
			? { key: 'orders_summary_relationship_ended', params: { customer: customer.legalName } }
			: {
					key:
						scope === 'all'
							? 'data_summary_relationship_ended'
							: 'data_summary_relationship_provider_removed',
					params: { name: partnerName }
				};
	return syncClient.append(
		customerDoc(customer),
		'relationship.ended',
		{ relationshipId, scope },
		summary
	);
}
