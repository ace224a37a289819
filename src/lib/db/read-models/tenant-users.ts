// Read model of the users in a customer's tenant (managed on the customer's behalf).
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';
import { searchKey } from '../text-key';

export interface TenantUserRow {
	doc: string;
	customerId: string;
	tenantUserId: string;
	displayName: string;
	/** `searchKey(displayName)`, for the list's sort by name */
	nameKey: string;
	userName: string;
	addedAt: string;
}

export function tenantUserRows(state: CustomerDocumentState, doc: string): TenantUserRow[] {
	return Object.values(state.tenantUsers).map((user) => ({
		doc,
		customerId: state.customerId,
		tenantUserId: user.tenantUserId,
		displayName: user.displayName,
		nameKey: searchKey(user.displayName),
		userName: user.userName,
		addedAt: user.added.at
	}));
}
