// Read model of the Customers list: one row per customer tenant the user may see (from `customer/<id>`).
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';
import { isLive } from '$lib/flows/customer/customer-queries';
import { searchKey } from '../text-key';

export interface CustomerRow {
	doc: string;
	customerId: string;
	legalName: string;
	/** `searchKey(legalName)`: the index the filter-as-you-type box and the name sort use */
	nameKey: string;
	domain: string;
	country: string;
	/** hybrid logical clock of `customer.created`: sorts by date added */
	createdAt: string;
	/** resellers of record with a live relationship */
	resellerIds: string[];
	/** providers of record with an active combined relationship */
	providerIds: string[];
	subscriptionCount: number;
	/** licenses bought across subscriptions */
	licenseCount: number;
	/** licenses assigned to tenant users */
	assignedCount: number;
	userCount: number;
}

export function customerRows(state: CustomerDocumentState, doc: string): CustomerRow[] {
	const customer = state.customer;
	if (!customer) return [];
	const live = Object.values(state.relationships).filter(isLive);
	const subscriptions = Object.values(state.subscriptions);
	return [
		{
			doc,
			customerId: customer.customerId,
			legalName: customer.legalName,
			nameKey: searchKey(customer.legalName),
			domain: customer.domain,
			country: customer.country,
			createdAt: customer.created.at,
			resellerIds: unique(live.map((relationship) => relationship.resellerId)),
			providerIds: unique(
				live
					.filter((relationship) => relationship.status === 'active' && relationship.providerId)
					.map((relationship) => relationship.providerId as string)
			),
			subscriptionCount: subscriptions.length,
			licenseCount: subscriptions.reduce((sum, subscription) => sum + subscription.quantity, 0),
			assignedCount: subscriptions.reduce((sum, s) => sum + s.assigned.length, 0),
			userCount: Object.keys(state.tenantUsers).length
		}
	];
}

function unique(values: string[]): string[] {
	return [...new Set(values)].sort();
}
