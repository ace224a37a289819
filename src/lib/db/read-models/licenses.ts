// Read model of license assignments: which tenant user holds a license of which subscription.
import type { CustomerDocumentState } from '$lib/flows/documents/document-state';

export interface LicenseRow {
	doc: string;
	customerId: string;
	subscriptionId: string;
	tenantUserId: string;
	/** order of assignment within the subscription */
	position: number;
}

export function licenseRows(state: CustomerDocumentState, doc: string): LicenseRow[] {
	return Object.values(state.subscriptions).flatMap((subscription) =>
		subscription.assigned.map((tenantUserId, position) => ({
			doc,
			customerId: state.customerId,
			subscriptionId: subscription.subscriptionId,
			tenantUserId,
			position
		}))
	);
}
