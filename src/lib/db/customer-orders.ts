// The customer record's Orders and Relationship history: a customer's orders (newest first), its
// relationships, and the names this device knows for the orgs and people they mention.
import type { AppDatabase } from './app-database';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { OrderRow } from './read-models/orders';

/** Per org: names its users' devices have seen of partners (kept by the partner lists). */
const partnerNamesSetting = (orgId: string) => `partnerNames:${orgId}`;

export interface CustomerOrders {
	orders: OrderRow[];
	relationships: CustomerRelationshipRow[];
	/** org id -> legal name, where this device knows it */
	orgNames: Map<string, string>;
	/** `orgId/userId` -> full name, where this device knows it */
	people: Map<string, string>;
}

export function customerOrders(
	db: AppDatabase,
	customerId: string,
	viewerOrgId: string | null
): Promise<CustomerOrders> {
	const tables = [
		db.orders,
		db.customerRelationships,
		db.orgs,
		db.orgUsers,
		db.directoryEntries,
		db.customers,
		db.settings
	];
	return db.transaction('r', tables, async () => {
		const range = [[customerId], [customerId, []]] as const;
		const [orders, relationships, book] = await Promise.all([
			db.orders
				.where('[customerId+orderId]')
				.between(...range, true, true)
				.toArray(),
			db.customerRelationships
				.where('[customerId+relationshipId]')
				.between(...range, true, true)
				.toArray(),
			viewerOrgId ? db.settings.get(partnerNamesSetting(viewerOrgId)) : undefined
		]);
		orders.sort((a, b) => (a.submittedAt < b.submittedAt ? 1 : -1));
		relationships.sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : -1));
		const known = (book?.value ?? {}) as Record<string, { name?: string } | undefined>;
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
		const orgNames = new Map<string, string>();
		// The request names its partners: a customer's device cannot read their org documents.
		const named = new Map<string, string>();
		for (const r of relationships) {
			if (r.resellerName) named.set(r.resellerId, r.resellerName);
			if (r.providerId && r.providerName) named.set(r.providerId, r.providerName);
		}
		for (const orgId of orgIds) {
			const name =
				(await db.orgs.get(orgId))?.legalName ??
				(await db.directoryEntries.get(orgId))?.legalName ??
				known[orgId]?.name ??
				named.get(orgId) ??
				(await db.customers.get(orgId))?.legalName;
			if (name) orgNames.set(orgId, name);
		}
		const people = new Map<string, string>();
		for (const order of orders) {
			const key = `${order.submittedByOrgId}/${order.submittedByUserId}`;
			if (people.has(key)) continue;
			const user = await db.orgUsers.get([order.submittedByOrgId, order.submittedByUserId]);
			if (user) people.set(key, user.fullName);
		}
		return { orders, relationships, orgNames, people };
	});
}
