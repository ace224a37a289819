// The customer record page's query: the tenant with its subscriptions, license assignments, users,
// relationships and refused or superseded events, read in one transaction (a consistent picture).
import { documentName } from '$lib/domain/documents';
import type { AppDatabase } from './app-database';
import { documentRows } from './read-models';
import type { KnownDocumentRow, OutboxRow, RefusedRow } from './local-records';
import type { CustomerRelationshipRow } from './read-models/customer-relationships';
import type { CustomerRow } from './read-models/customers';
import type { LicenseRow } from './read-models/licenses';
import type { SubscriptionRow } from './read-models/subscriptions';
import type { SupersededRow } from './read-models/superseded';
import type { TenantUserRow } from './read-models/tenant-users';

export interface CustomerRecord {
	customer: CustomerRow | undefined;
	document: KnownDocumentRow | undefined;
	subscriptions: SubscriptionRow[];
	licenses: LicenseRow[];
	users: TenantUserRow[];
	relationships: CustomerRelationshipRow[];
	superseded: SupersededRow[];
	pending: OutboxRow[];
	refused: RefusedRow[];
}

export function customerRecord(db: AppDatabase, customerId: string): Promise<CustomerRecord> {
	const doc = documentName({ kind: 'customer', customerId });
	const tables = [
		db.customers,
		db.documents,
		db.subscriptions,
		db.licenses,
		db.tenantUsers,
		db.customerRelationships,
		db.superseded,
		db.outbox,
		db.refused
	];
	return db.transaction('r', tables, async () => {
		const ref = { kind: 'customer', customerId } as const;
		const [customer, document, subscriptions, licenses, users, relationships] = await Promise.all([
			db.customers.get(customerId),
			db.documents.get(doc),
			documentRows(db.subscriptions, ref).toArray() as Promise<SubscriptionRow[]>,
			documentRows(db.licenses, ref).toArray() as Promise<LicenseRow[]>,
			db.tenantUsers
				.where('[customerId+nameKey]')
				.between([customerId], [customerId, []], true, true)
				.toArray(),
			documentRows(db.customerRelationships, ref).toArray() as Promise<CustomerRelationshipRow[]>
		]);
		const [superseded, pending, refused] = await Promise.all([
			documentRows(db.superseded, ref).toArray() as Promise<SupersededRow[]>,
			db.outbox.where('doc').equals(doc).sortBy('at'),
			db.refused.where('doc').equals(doc).sortBy('refusedAt')
		]);
		subscriptions.sort((a, b) => a.offerName.localeCompare(b.offerName));
		return {
			customer,
			document,
			subscriptions,
			licenses,
			users,
			relationships,
			superseded,
			pending,
			refused
		};
	});
}
