// The customer record's Orders and Relationship history: a customer's orders (newest first), its
// relationships, and the names this device knows for the orgs and people they mention.
import type { AppDatabase } from './app-database';
import type { Names } from '$lib/i18n/names';
import { nameTables, readNames } from './names';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { OrderRow } from './read-models/orders';

export interface CustomerOrders {
	orders: OrderRow[];
	relationships: CustomerRelationshipRow[];
	/** the orgs and people the orders and relationships mention */
	names: Names;
}

export function customerOrders(
	db: AppDatabase,
	customerId: string,
	viewerOrgId: string | null
): Promise<CustomerOrders> {
	const tables = [db.orders, ...nameTables(db)];
	return db.transaction('r', tables, async () => {
		const range = [[customerId], [customerId, []]] as const;
		const [orders, relationships] = await Promise.all([
			db.orders
				.where('[customerId+orderId]')
				.between(...range, true, true)
				.toArray(),
			db.customerRelationships
				.where('[customerId+relationshipId]')
				.between(...range, true, true)
				.toArray()
		]);
		orders.sort((a, b) => (a.submittedAt < b.submittedAt ? 1 : -1));
		relationships.sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : -1));
		const orgIds = new Set<string>([customerId]);
		for (const order of orders) {
			orgIds.add(order.submittedByOrgId);
			orgIds.add(order.onBehalfOf);
		}
		for (const r of relationships) {
			for (const id of [r.resellerId, r.providerId, r.answeredByOrgId, r.endedByOrgId]) {
				if (id) orgIds.add(id);
			}
			if (r.providerEndedByOrgId) orgIds.add(r.providerEndedByOrgId);
		}
		const names = await readNames(db, {
			orgIds,
			people: orders.map((order) => ({
				orgId: order.submittedByOrgId,
				userId: order.submittedByUserId
			})),
			viewerOrgId
		});
		return { orders, relationships, names };
	});
}
